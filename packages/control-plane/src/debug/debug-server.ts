/**
 * The control plane's HTTP debug and metrics API (Istio's port 15014): one table of handlers with
 * help text. `/debug/syncz` lists every connected proxy with what it was sent and what it
 * acknowledged; `/debug/rejections` lists config the control plane refused to apply.
 */
import http from 'node:http';
import type net from 'node:net';

export interface DebugResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface DebugHandler {
  path: string;
  help: string;
  handle(query: URLSearchParams): DebugResponse | Promise<DebugResponse>;
}

export function json(value: unknown, status = 200): DebugResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(value, null, 2)}\n` };
}

export class DebugServer {
  private readonly server: http.Server;
  private readonly handlers: Map<string, DebugHandler>;

  constructor(handlers: DebugHandler[]) {
    this.handlers = new Map(handlers.map((h) => [h.path, h]));
    this.server = http.createServer((req, res) => void this.serve(req, res));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://debug');
    let r: DebugResponse;
    const h = this.handlers.get(url.pathname);
    if (url.pathname === '/' || url.pathname === '/debug') {
      const lines = [...this.handlers.values()].map((x) => `  ${x.path}: ${x.help}`);
      r = { status: 200, contentType: 'text/plain', body: `endpoints:\n${lines.join('\n')}\n` };
    } else if (h === undefined) {
      r = { status: 404, contentType: 'text/plain', body: `no such endpoint: ${url.pathname}\n` };
    } else {
      try {
        r = await h.handle(url.searchParams);
      } catch (err) {
        r = { status: 500, contentType: 'text/plain', body: `${(err as Error).message}\n` };
      }
    }
    res.writeHead(r.status, { 'content-type': r.contentType });
    res.end(r.body);
  }
}
