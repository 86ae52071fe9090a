import { request } from 'node:http';

export interface ProbeResponse {
  status: number;
  body: string;
}

/**
 * One GET to http://127.0.0.1:<port><path> on a fresh connection, bounded by `timeoutMs`.
 * Resolves with the status and body, or rejects with the socket error or timeout.
 */
export function httpGet(port: number, path: string, timeoutMs = 1_000): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`GET 127.0.0.1:${port}${path}: timed out after ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}
