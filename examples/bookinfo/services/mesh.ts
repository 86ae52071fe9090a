/**
 * What every bookinfo service shares: an HTTP server on $PORT that stops gracefully on SIGTERM,
 * and calls to other services that go through the sidecar ($HTTP_PROXY, set by `tandem run` /
 * `tandem up`) and carry the request's trace and user headers along, as Istio's bookinfo does.
 *
 * Node 20's http client does not read HTTP_PROXY by itself, so `call` sends the absolute-form
 * request (`GET http://reviews:9080/reviews/0`) to the proxy, which is what a proxy-aware client
 * (curl, Python requests, Go net/http) does. Without HTTP_PROXY it connects directly.
 */
import http from 'node:http';

/** Headers a service copies from the request it serves to the requests it makes. */
const PROPAGATED = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'end-user',
  'user-agent',
];

export const instance = process.env.TANDEM_INSTANCE ?? 'local';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown;

export function serve(name: string, handler: Handler): http.Server {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return json(res, 200, { status: `${name} is healthy` });
    Promise.resolve(handler(req, res, url)).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.destroy();
    });
  });
  const port = Number(process.env.PORT ?? 9080);
  server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
    process.stdout.write(`${name} (${instance}) listening on ${process.env.HOST ?? '127.0.0.1'}:${port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  return server;
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface CallResult {
  status: number;
  body: string;
}

/** GET `url` from another service, with the incoming request's propagated headers. */
export function call(
  url: string,
  incoming: http.IncomingHttpHeaders,
  timeoutMs: number,
): Promise<CallResult> {
  const target = new URL(url);
  const headers: Record<string, string> = { host: target.host };
  for (const h of PROPAGATED) {
    const v = incoming[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const proxy = process.env.HTTP_PROXY ? new URL(process.env.HTTP_PROXY) : undefined;
  const options: http.RequestOptions = proxy
    ? { host: proxy.hostname, port: proxy.port, path: target.href, headers }
    : { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers };
  return new Promise((resolve) => {
    const req = http.get({ ...options, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
  });
}
