import { createServer } from 'node:net';

/**
 * An ephemeral TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the port the
 * kernel chose, close. (Another process could take it in between; the caller's start-up check fails
 * loudly if that happens.)
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('freePort: no port assigned'))));
    });
  });
}
