/**
 * Bookinfo's details service, Tandem's own version: `GET /details/<id>` answers the book's details,
 * `GET /health` says it is healthy. Run it with
 * `node --import tsx examples/bookinfo/details.ts [port] [version]` (or PORT, SERVICE_VERSION; port
 * 9080 and v1 by default).
 */
import http from 'node:http';
import type net from 'node:net';
import { pathToFileURL } from 'node:url';

export interface DetailsOptions {
  port: number;
  version: string;
  host?: string;
  instance?: string;
  log?: (line: string) => void;
}

export interface RunningService {
  port: number;
  close(): Promise<void>;
}

export function startDetails(opts: DetailsOptions): Promise<RunningService> {
  const instance = opts.instance ?? `details-${opts.version}`;
  const log = opts.log ?? ((line: string) => console.log(line));
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    log(
      `${instance} ${req.method} ${path} host=${req.headers.host ?? ''} user=${req.headers['end-user'] ?? ''}`,
    );
    res.setHeader('x-served-by', instance);
    if (path === '/health') return json(res, 200, { status: 'Details is healthy' });
    const m = /^\/details\/(\d+)$/.exec(path);
    if (m === null) return json(res, 400, { error: 'please provide numeric product id' });
    json(res, 200, {
      id: Number(m[1]),
      author: 'William Shakespeare',
      year: 1595,
      type: 'paperback',
      pages: 200,
      publisher: 'PublisherA',
      language: 'English',
      'ISBN-10': '1234567890',
      'ISBN-13': '123-1234567890',
    });
  });
  return listen(server, opts.port, opts.host);
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
  startDetails({ port, version, instance: process.env.INSTANCE_NAME ?? process.env.TANDEM_INSTANCE }).then(
    (s) => {
      console.log(`details ${version} listening on ${s.port}`);
      // `tandem run` drains the sidecar first, then sends SIGTERM: finish what is in flight and exit.
      process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
    },
  );
}
