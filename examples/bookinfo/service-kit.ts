/**
 * What the bookinfo services share: an HTTP server that stops cleanly, JSON and text answers, calls
 * to other services that carry the caller's user and trace headers along (as Istio's bookinfo does)
 * and go through the sidecar's HTTP proxy listener when there is one, and running a service as a
 * program (`node --import tsx examples/bookinfo/<service>.ts`).
 */
import http from 'node:http';
import type net from 'node:net';
import { pathToFileURL } from 'node:url';

export interface RunningService {
  port: number;
  close(): Promise<void>;
}

/** An answer of another service; undefined after a network error or a timeout. */
export type Reply = { status: number; body: string } | undefined;

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

export function forwarded(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/**
 * GET `url` (through `proxy`, `host:port` of the sidecar's HTTP proxy listener, when given: the
 * request goes there in absolute form, as a proxy-aware client sends it).
 */
export function get(
  url: string,
  headers: Record<string, string>,
  proxy: string | undefined,
  timeoutMs: number,
): Promise<Reply> {
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

export function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

/** Listens on `host:port` (port 0: any); `close()` drops open connections and stops. */
export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<RunningService> {
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

/** The sidecar's HTTP proxy listener as `host:port`, from HTTP_PROXY (set by `tandem run`). */
export function httpProxyFromEnv(): string | undefined {
  return process.env.HTTP_PROXY?.replace(/^http:\/\//, '').replace(/\/$/, '');
}

/** The instance name (`x-served-by`, "Reviews served by"): INSTANCE_NAME, or the one `tandem run` gives. */
export function instanceFromEnv(): string | undefined {
  return process.env.INSTANCE_NAME ?? process.env.TANDEM_INSTANCE;
}

/**
 * Runs a service when its module is the program (`node --import tsx examples/bookinfo/x.ts`), not
 * when a test imports it. On SIGTERM (which `tandem run` sends once the sidecar has drained) it
 * closes and exits.
 */
export function runWhenMain(moduleUrl: string, start: () => Promise<RunningService>, what: string): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  void start().then((s) => {
    console.log(`${what} listening on ${s.port}`);
    process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
  });
}
