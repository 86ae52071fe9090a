/**
 * Real backends for tests, on 127.0.0.1 port 0. The echo backend answers with what it received
 * (method, url, headers, body size) so tests can assert on what the proxy forwarded (and sends
 * the `x-respond-server` request header back as `server`); a few paths
 * shape the response: /status/N, /delay/MS, /bytes/N, /drip/N/MS (N chunks, one every MS ms),
 * /close (drops the connection), /early (answers before reading the request body).
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  httpVersion: string;
}

export interface Backend {
  port: number;
  name: string;
  seen: SeenRequest[];
  /** Connections accepted so far. */
  connectionCount(): number;
  /** Connections open now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startEchoBackend(name = 'echo'): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => handle(name, seen, req, res));
  server.keepAliveTimeout = 30000;
  return listen(server, name, seen);
}

/** HTTP/2 cleartext (h2c prior knowledge) echo backend. */
export async function startH2Backend(name = 'h2echo'): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const server = http2.createServer((req, res) =>
    handle(name, seen, req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse),
  );
  return listen(server as unknown as http.Server, name, seen);
}

function handle(
  name: string,
  seen: SeenRequest[],
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  if (req.url?.startsWith('/early')) {
    // Answers at once, before (and without) reading the request body.
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 6, 'x-backend': name });
    return void res.end('early\n');
  }
  let bodyBytes = 0;
  req.on('data', (d: Buffer) => (bodyBytes += d.length));
  req.on('end', () => {
    const url = req.url ?? '/';
    seen.push({
      method: req.method ?? '',
      url,
      headers: req.headers,
      bodyBytes,
      httpVersion: req.httpVersion,
    });
    const path = url.split('?')[0]!;
    if (path === '/close') return void req.socket.destroy();
    const status = /^\/status\/(\d{3})/.exec(path);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain', 'x-backend': name });
      return void res.end(`status ${status[1]}\n`);
    }
    const bytes = /^\/bytes\/(\d+)/.exec(path);
    if (bytes) {
      const n = Number(bytes[1]);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': n,
        'x-backend': name,
      });
      return void res.end(Buffer.alloc(n, 97));
    }
    const drip = /^\/drip\/(\d+)\/(\d+)/.exec(path);
    if (drip) {
      // N chunks of `chunk\n`, one every MS milliseconds.
      const total = Number(drip[1]);
      let sent = 0;
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
      const timer = setInterval(() => {
        res.write('chunk\n');
        if (++sent < total) return;
        clearInterval(timer);
        res.end();
      }, Number(drip[2]));
      res.on('close', () => clearInterval(timer));
      return;
    }
    const delay = /^\/delay\/(\d+)/.exec(path);
    const respond = (): void => {
      const body = JSON.stringify({
        backend: name,
        method: req.method,
        url,
        headers: req.headers,
        bodyBytes,
      });
      const server = req.headers['x-respond-server'];
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-backend': name,
        'content-length': Buffer.byteLength(body),
        ...(typeof server === 'string' ? { server } : {}),
      });
      res.end(body);
    };
    if (delay) setTimeout(respond, Number(delay[1]));
    else respond();
  });
}

function listen(server: http.Server, name: string, seen: SeenRequest[]): Promise<Backend> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  server.on('connection', (s: net.Socket) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        name,
        seen,
        connectionCount: () => accepted,
        openConnections: () => sockets.size,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export { freePort } from './free-port.ts';

/** A backend that holds every request open until `release()` answers them all. */
export interface HoldingBackend extends Backend {
  /** Requests received (heads arrived) so far. */
  arrived(): number;
  /** Answers every held request with 200. */
  release(): void;
}

export async function startHoldingBackend(name = 'holder'): Promise<HoldingBackend> {
  const held: http.ServerResponse[] = [];
  let arrived = 0;
  let released = false;
  const answer = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'x-backend': name, 'content-length': 4 });
    res.end('held');
  };
  const server = http.createServer((req, res) => {
    arrived++;
    req.resume();
    if (released) answer(res);
    else held.push(res);
  });
  server.keepAliveTimeout = 30000;
  const base = await listen(server, name, []);
  return {
    ...base,
    arrived: () => arrived,
    release: () => {
      released = true;
      for (const res of held.splice(0)) answer(res);
    },
  };
}

const H2_PREFACE = 'PRI * HTTP/2.0\r\n';

/**
 * An echo backend that speaks HTTP/1.1 and HTTP/2 prior knowledge (h2c) on one port, choosing per
 * connection by the first bytes: for clusters whose upstream protocol follows the downstream's.
 */
export async function startDualBackend(name = 'dual'): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const h1 = http.createServer((req, res) => handle(name, seen, req, res));
  h1.keepAliveTimeout = 30000;
  const h2 = http2.createServer((req, res) =>
    handle(name, seen, req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse),
  );
  const front = net.createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first.toString('latin1', 0, H2_PREFACE.length) === H2_PREFACE;
      if (isH2) return void h2.emit('connection', socket);
      h1.emit('connection', socket);
      socket.resume();
    });
  });
  return listen(front as unknown as http.Server, name, seen);
}
