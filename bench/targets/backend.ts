import { freePort } from '../net/free-port.ts';
import { startNginx } from './nginx-process.ts';
import { BACKEND_BODY } from './start-server.ts';
import type { RunningTarget, TargetContext } from './target.ts';

/**
 * Loopback addresses the backend also listens on (same port), so that a cluster can have three
 * distinct endpoints on one backend. Linux routes all of 127/8 to loopback.
 */
export const BACKEND_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3'] as const;

/**
 * The backend every target forwards to: nginx, one worker, answering every request with a fixed
 * 12-byte body from memory (`return 200`), keep-alive with a very large keepalive_requests; on
 * 127.0.0.1 (what every target uses) and on the other BACKEND_ADDRESSES. Pinned to `cpu` (the load
 * generator's core).
 */
export async function startBackend(
  nginx: string,
  cpu: number | undefined,
  context: Omit<TargetContext, 'backendPort'>,
): Promise<RunningTarget> {
  const port = await freePort();
  const http = `  server {
${BACKEND_ADDRESSES.map((a) => `    listen ${a}:${port} backlog=4096;`).join('\n')}
    location / {
      return 200 ${JSON.stringify(BACKEND_BODY)};
    }
  }`;
  return startNginx(
    { binary: nginx, what: `backend nginx 127.0.0.1:${port}`, http, port, cpu },
    { ...context, backendPort: port },
  );
}
