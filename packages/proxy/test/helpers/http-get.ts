/** A small HTTP/1.1 client for tests that send many requests (keep-alive, no subprocess per request). */
import http from 'node:http';

export interface GetResult {
  status: number;
  backend: string;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** GET http://127.0.0.1:`port``path`; rejects on connection errors. */
export function get(
  port: number,
  path = '/',
  options: { agent?: http.Agent | false } = {},
): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: options.agent ?? agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, backend: String(res.headers['x-backend'] ?? ''), body }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Closes the shared agent's idle sockets (call in `after`). */
export function closeIdleSockets(): void {
  agent.destroy();
}

/** Polls `fn` every 20 ms until it returns true, or throws after `timeoutMs`. */
export async function eventually(
  fn: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
