/**
 * Bookinfo's details service, Tandem's own version: `GET /details/<id>` answers the book's details,
 * `GET /health` says it is healthy. Run it with
 * `node --import tsx examples/bookinfo/details.ts [port] [version]` (or PORT, SERVICE_VERSION; port
 * 9080 and v1 by default).
 */
import http from 'node:http';
import { instanceFromEnv, json, listen, type RunningService, runWhenMain } from './service-kit.ts';

export interface DetailsOptions {
  port: number;
  version: string;
  host?: string;
  instance?: string;
  log?: (line: string) => void;
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

runWhenMain(
  import.meta.url,
  () =>
    startDetails({
      port: Number(process.argv[2] ?? process.env.PORT ?? 9080),
      version: process.argv[3] ?? process.env.SERVICE_VERSION ?? 'v1',
      instance: instanceFromEnv(),
    }),
  'details',
);
