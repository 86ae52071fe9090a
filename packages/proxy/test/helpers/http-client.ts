/**
 * A small HTTP/1.1 client on node:http for tests that send many requests (spawning curl for
 * each would dominate their run time), with an optional source address and keep-alive agent.
 */
import http from 'node:http';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address to bind, e.g. 127.0.0.2 (Linux routes all of 127/8 to loopback). */
  localAddress?: string;
  /** A keep-alive agent to reuse connections; by default every request opens its own. */
  agent?: http.Agent;
}

export function httpRequest(port: number, path: string, opts: HttpRequestOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        localAddress: opts.localAddress,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Sends `n` requests, `concurrency` at a time, and counts responses by their `x-backend` header. */
export async function countBackends(
  n: number,
  concurrency: number,
  send: (i: number) => Promise<HttpReply>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const r = await send(next++);
      if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body}`);
      const b = String(r.headers['x-backend']);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}
