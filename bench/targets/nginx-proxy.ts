import { freePort } from '../net/free-port.ts';
import { startNginx } from './nginx-process.ts';
import type { Target } from './target.ts';

/** nginx as a reverse proxy: one worker, HTTP/1.1 keep-alive pool of 64 to the backend. */
export function nginxProxyTarget(binary: string | undefined, version: string): Target {
  return {
    name: 'nginx',
    label: `nginx ${version}`,
    isProxy: true,
    unavailableReason: () => (binary ? undefined : 'nginx is not installed'),
    start: async (context) => {
      const port = await freePort();
      const http = `  upstream backend {
    server 127.0.0.1:${context.backendPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`;
      const what = `nginx proxy 127.0.0.1:${port}`;
      return startNginx({ binary: binary!, what, http, port, cpu: context.proxyCpu }, context);
    },
  };
}
