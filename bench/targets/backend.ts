import { freePort } from '../net/free-port.ts';
import { startNginx } from './nginx-process.ts';
import { BACKEND_BODY } from './start-server.ts';
import type { RunningTarget, TargetContext } from './target.ts';

/**
 * The backend every target forwards to: nginx, one worker, answering every request with a fixed
 * 12-byte body from memory (`return 200`), keep-alive with a very large keepalive_requests.
 * Pinned to `cpu` (the load generator's core).
 */
export async function startBackend(
  nginx: string,
  cpu: number | undefined,
  context: Omit<TargetContext, 'backendPort'>,
): Promise<RunningTarget> {
  const port = await freePort();
  const http = `  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      return 200 ${JSON.stringify(BACKEND_BODY)};
    }
  }`;
  return startNginx(
    { binary: nginx, what: `backend nginx 127.0.0.1:${port}`, http, port, cpu },
    { ...context, backendPort: port },
  );
}
