/**
 * The sidecar agent's HTTP endpoints, beside the proxy:
 * - health port (15021) `GET /healthz/ready`: 200 once the proxy is LIVE (the kubelet's readiness
 *   and startup probes of the sidecar; `tandem sidecar-wait` polls it);
 * - agent port (15020) `GET /app-health/<container>/<livez|readyz|startupz>`: runs the app's
 *   original HTTP probe (from `TANDEM_APP_PROBERS`) against the app on localhost and answers with the
 *   app's status (503 when the app does not answer), so kubelet probes work under STRICT mTLS; the agent runs as the
 *   proxy's UID, which interception exempts; `GET /stats/prometheus`: the proxy's stats.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface AppProber {
  httpGet: {
    path?: string;
    port: number;
    host?: string;
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  timeoutSeconds?: number;
}

export interface AgentOptions {
  /** Whether the proxy is ready to serve. */
  ready: () => boolean;
  probers: Record<string, AppProber>;
  /** Proxy admin port for /stats/prometheus (0: not available). */
  adminPort: () => number;
}

/** Parses TANDEM_APP_PROBERS; a malformed value is an error naming the variable. */
export function parseProbers(text: string | undefined): Record<string, AppProber> {
  if (text === undefined || text.trim() === '') return {};
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('TANDEM_APP_PROBERS must be a JSON object');
  return parsed as Record<string, AppProber>;
}

function runProbe(p: AppProber): Promise<number> {
  const g = p.httpGet;
  const secure = (g.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/tandem' };
  for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
  const options = {
    host: g.host || '127.0.0.1',
    port: g.port,
    path: g.path || '/',
    headers,
    timeout: (p.timeoutSeconds ?? 1) * 1000,
    rejectUnauthorized: false,
  };
  return new Promise((resolve) => {
    const req = (secure ? https : http).get(options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 500);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(503));
  });
}

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, body }));
      })
      .on('error', () => resolve({ status: 503, body: 'proxy admin unavailable\n' }));
  });
}

export class AgentServer {
  readonly server: http.Server;
  private readonly options: AgentOptions;

  constructor(options: AgentOptions) {
    this.options = options;
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (path === '/healthz/ready')
      return this.options.ready() ? reply(200, 'ready\n') : reply(503, 'proxy not ready\n');
    if (path.startsWith('/app-health/')) {
      const prober = this.options.probers[path];
      if (prober === undefined) return reply(404, `no probe ${path}\n`);
      const status = await runProbe(prober);
      return reply(status, `app probe: ${status}\n`);
    }
    if (path === '/stats/prometheus') {
      const port = this.options.adminPort();
      if (port === 0) return reply(503, 'proxy admin unavailable\n');
      const r = await fetchText(port, '/stats/prometheus');
      return reply(r.status, r.body);
    }
    reply(404, 'not found\n');
  }
}
