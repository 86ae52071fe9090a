/**
 * Bookinfo's reviews service, Tandem's own version: `GET /reviews/<id>` answers two reviews. v1 shows
 * no ratings; v2 asks the ratings service and shows black stars; v3 shows red stars. Calls to
 * ratings carry the caller's `end-user` and trace headers (so header routing works downstream), go
 * through the sidecar's HTTP proxy when HTTP_PROXY is set, and give up after 10 s (v2, v3), as in
 * Istio's bookinfo. Run it with `node --import tsx examples/bookinfo/reviews.ts [port] [version]` (or
 * PORT, SERVICE_VERSION; RATINGS_HOSTNAME and RATINGS_SERVICE_PORT say where ratings is).
 */
import http from 'node:http';
import type net from 'node:net';
import { pathToFileURL } from 'node:url';

export interface ReviewsOptions {
  port: number;
  version: string;
  host?: string;
  instance?: string;
  /** `host:port` of ratings as the mesh names it (default `ratings:9080`). */
  ratings?: string;
  /** `host:port` of the sidecar's HTTP proxy listener, or undefined to connect directly. */
  httpProxy?: string;
  ratingsTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningService {
  port: number;
  close(): Promise<void>;
}

/** Headers bookinfo passes on to the services it calls. */
const FORWARDED = [
  'end-user',
  'user-agent',
  'cookie',
  'authorization',
  'x-request-id',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-ot-span-context',
  'x-cloud-trace-context',
  'grpc-trace-bin',
];

const COLORS: Record<string, string> = { v2: 'black', v3: 'red' };

export function startReviews(opts: ReviewsOptions): Promise<RunningService> {
  const instance = opts.instance ?? `reviews-${opts.version}`;
  const log = opts.log ?? ((line: string) => console.log(line));
  const color = COLORS[opts.version];
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    log(
      `${instance} ${req.method} ${path} host=${req.headers.host ?? ''} user=${req.headers['end-user'] ?? ''}`,
    );
    res.setHeader('x-served-by', instance);
    if (path === '/health') return json(res, 200, { status: 'Reviews is healthy' });
    const m = /^\/reviews\/(\d+)$/.exec(path);
    if (m === null) return json(res, 404, { error: 'unknown path' });
    const id = Number(m[1]);
    const reviews = [
      {
        reviewer: 'Reviewer1',
        text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
      },
      {
        reviewer: 'Reviewer2',
        text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
      },
    ];
    if (color === undefined) return json(res, 200, { id, podname: instance, clustername: 'null', reviews });
    const target = opts.ratings ?? 'ratings:9080';
    const answer = await get(
      `http://${target}/ratings/${id}`,
      forwarded(req),
      opts.httpProxy,
      opts.ratingsTimeoutMs ?? 10_000,
    );
    const ratings =
      answer?.status === 200
        ? (JSON.parse(answer.body) as { ratings: Record<string, number> }).ratings
        : undefined;
    json(res, 200, {
      id,
      podname: instance,
      clustername: 'null',
      reviews: reviews.map((r) => ({
        ...r,
        rating:
          ratings === undefined
            ? { error: 'Ratings service is currently unavailable' }
            : { stars: ratings[r.reviewer] ?? 0, color },
      })),
    });
  });
  return listen(server, opts.port, opts.host);
}

function forwarded(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/** GET `url` (through `proxy` when given); undefined on a network error or timeout. */
function get(
  url: string,
  headers: Record<string, string>,
  proxy: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: string } | undefined> {
  const u = new URL(url);
  const [host, port] = proxy === undefined ? [u.hostname, u.port || '80'] : proxy.split(':');
  return new Promise((resolve) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        path: proxy === undefined ? u.pathname : url,
        headers: { ...headers, host: u.host },
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<RunningService> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 9080);
  const version = process.argv[3] ?? process.env.SERVICE_VERSION ?? 'v1';
  const ratings = `${process.env.RATINGS_HOSTNAME ?? 'ratings'}:${process.env.RATINGS_SERVICE_PORT ?? 9080}`;
  const httpProxy = process.env.HTTP_PROXY?.replace(/^http:\/\//, '').replace(/\/$/, '');
  startReviews({
    port,
    version,
    ratings,
    httpProxy,
    instance: process.env.INSTANCE_NAME ?? process.env.TANDEM_INSTANCE,
  }).then((s) => {
    console.log(`reviews ${version} listening on ${s.port}`);
    // `tandem run` drains the sidecar first, then sends SIGTERM: finish what is in flight and exit.
    process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
  });
}
