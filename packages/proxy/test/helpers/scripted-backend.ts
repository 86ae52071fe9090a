/**
 * A backend whose answers tests script per request with headers, and which records every attempt
 * it sees (by `x-test-id`), with its arrival time, body size and headers:
 * - `x-fail-attempts: N` and `x-fail-status: S` (default 503): the first N attempts of an id get S;
 * - `x-delay-attempts: N` and `x-delay-ms: MS`: the first N attempts wait MS before answering;
 * - `x-status: S`: every attempt gets S.
 * The response body names the backend and the attempt number.
 */
import http from 'node:http';
import type net from 'node:net';

export interface Attempt {
  atMs: number;
  bodyBytes: number;
  headers: http.IncomingHttpHeaders;
  url: string;
}

export interface ScriptedBackend {
  port: number;
  name: string;
  attempts(id: string): Attempt[];
  /** Every request seen, in order. */
  readonly all: Attempt[];
  /** Answer status for requests without a script (default 200); tests flip it at run time. */
  status: number;
  /** Delay before every unscripted answer, ms (default 0). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startScriptedBackend(name = 'scripted'): Promise<ScriptedBackend> {
  const byId = new Map<string, Attempt[]>();
  const all: Attempt[] = [];
  const sockets = new Set<net.Socket>();
  const backend: ScriptedBackend = {
    port: 0,
    name,
    attempts: (id) => byId.get(id) ?? [],
    all,
    status: 200,
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (d: Buffer) => (bodyBytes += d.length));
    req.on('end', () => {
      const id = String(req.headers['x-test-id'] ?? '');
      const attempt: Attempt = {
        atMs: performance.now(),
        bodyBytes,
        headers: req.headers,
        url: req.url ?? '/',
      };
      all.push(attempt);
      let list = byId.get(id);
      if (list === undefined) byId.set(id, (list = []));
      list.push(attempt);
      const n = list.length;
      const failAttempts = Number(req.headers['x-fail-attempts'] ?? 0);
      const delayAttempts = Number(req.headers['x-delay-attempts'] ?? 0);
      let status = Number(req.headers['x-status'] ?? backend.status);
      if (n <= failAttempts) status = Number(req.headers['x-fail-status'] ?? 503);
      const body = `${name} attempt ${n}\n`;
      const answer = (): void => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'text/plain',
          'content-length': body.length,
          'x-backend': name,
        });
        res.end(body);
      };
      if (n <= delayAttempts) setTimeout(answer, Number(req.headers['x-delay-ms'] ?? 0));
      else if (backend.delayMs > 0) setTimeout(answer, backend.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.port = (server.address() as net.AddressInfo).port;
  return backend;
}
