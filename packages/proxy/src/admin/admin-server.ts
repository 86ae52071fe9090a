/**
 * The Envoy-style admin API: one table of handlers with help text (as Envoy's admin does), served
 * on the bootstrap's admin address. Mutating endpoints require POST.
 */
import http from 'node:http';
import type net from 'node:net';
import { TandemError } from '../util/errors.ts';
import type { AdminHandler, AdminResponse, AdminTarget } from './admin-handler.ts';
import { certsHandler } from './certs-handler.ts';
import { clustersHandler } from './clusters-handler.ts';
import { configDumpHandler } from './config-dump-handler.ts';
import { listenersHandler } from './listeners-handler.ts';
import { loggingHandler } from './logging-handler.ts';
import { prometheusHandler } from './prometheus-handler.ts';
import { statsHandler } from './stats-handler.ts';

function buildHandlers(): AdminHandler[] {
  return [
    {
      path: '/ready',
      help: 'print server state, 200 only when LIVE',
      handle: (t) => {
        const state = t.state();
        return { status: state === 'LIVE' ? 200 : 503, contentType: 'text/plain', body: `${state}\n` };
      },
    },
    {
      path: '/server_info',
      help: 'print server version, state, uptime and command line options',
      handle: (t) => json(t.serverInfo()),
    },
    { path: '/config_dump', help: 'dump current config, xDS-shaped', handle: configDumpHandler },
    {
      path: '/memory',
      help: "print memory usage (Envoy's allocated and heap_size: the JavaScript heap; plus rss, external)",
      handle: () => {
        const m = process.memoryUsage();
        return json({
          allocated: String(m.heapUsed),
          heap_size: String(m.heapTotal),
          rss: String(m.rss),
          external: String(m.external),
          array_buffers: String(m.arrayBuffers),
        });
      },
    },
    {
      path: '/certs',
      help: 'print certificates: chains, trusted CAs, SANs, expiry (JSON)',
      handle: certsHandler,
    },
    { path: '/clusters', help: 'upstream cluster status (?format=json)', handle: clustersHandler },
    { path: '/listeners', help: 'print listener info (?format=json)', handle: listenersHandler },
    {
      path: '/stats',
      help: 'print server stats (?format=json, ?filter=REGEX, ?usedonly)',
      handle: statsHandler,
    },
    {
      path: '/stats/prometheus',
      help: "print server stats in Prometheus format: Istio's standard metrics and Envoy's stats (?usedonly)",
      handle: prometheusHandler,
    },
    {
      path: '/logging',
      help: 'list loggers; POST ?level=<level> sets all, ?<logger>=<level> one (trace, debug, info, warning, error, critical, off)',
      mutates: true,
      listable: true,
      handle: loggingHandler,
    },
    {
      path: '/drain_listeners',
      help: 'stop accepting, drain existing connections (POST; ?inboundonly: INBOUND listeners only)',
      mutates: true,
      handle: (t, query) => {
        t.drainListeners({ inboundOnly: query.has('inboundonly') });
        return text('OK\n');
      },
    },
    {
      path: '/healthcheck/fail',
      help: 'make /ready report failure, as for draining (POST)',
      mutates: true,
      handle: (t) => {
        t.setHealthFailed(true);
        return text('OK\n');
      },
    },
    {
      path: '/healthcheck/ok',
      help: 'undo /healthcheck/fail (POST)',
      mutates: true,
      handle: (t) => {
        t.setHealthFailed(false);
        return text('OK\n');
      },
    },
    {
      path: '/quitquitquit',
      help: 'exit the server (POST)',
      mutates: true,
      handle: (t) => {
        setImmediate(() => t.quit());
        return text('OK\n');
      },
    },
  ];
}

export class AdminServer {
  private readonly server: http.Server;
  private readonly handlers: Map<string, AdminHandler>;
  private readonly target: AdminTarget;

  constructor(target: AdminTarget) {
    this.target = target;
    const list = buildHandlers();
    this.handlers = new Map(list.map((h) => [h.path, h]));
    this.server = http.createServer((req, res) => this.serve(req, res));
  }

  listen(address: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new TandemError(
            'TANDEM_ERR_ADMIN_BIND',
            `admin: cannot bind ${address}:${port}: ${err.code ?? err.message}`,
          ),
        ),
      );
      this.server.listen({ host: address, port }, () =>
        resolve((this.server.address() as net.AddressInfo).port),
      );
    });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://admin');
    const send = (r: AdminResponse): void => {
      res.writeHead(r.status, { 'content-type': r.contentType, 'cache-control': 'no-cache, max-age=0' });
      res.end(r.body);
    };
    if (url.pathname === '/' || url.pathname === '/help') return send(this.help());
    const h = this.handlers.get(url.pathname);
    if (h === undefined)
      return send({
        status: 404,
        contentType: 'text/plain',
        body: `invalid path. admin commands are:\n${this.help().body}`,
      });
    const readOnly = h.listable === true && [...url.searchParams].length === 0;
    if (h.mutates && req.method !== 'POST' && !readOnly) {
      return send({ status: 405, contentType: 'text/plain', body: 'This endpoint requires POST.\n' });
    }
    try {
      send(h.handle(this.target, url.searchParams));
    } catch (err) {
      send({ status: 500, contentType: 'text/plain', body: `${(err as Error).message}\n` });
    }
  }

  private help(): AdminResponse {
    const lines = [...this.handlers.values()].map((h) => `  ${h.path}: ${h.help}`);
    return text(`admin commands are:\n${lines.join('\n')}\n`);
  }
}

function text(body: string): AdminResponse {
  return { status: 200, contentType: 'text/plain', body };
}

function json(value: unknown): AdminResponse {
  return { status: 200, contentType: 'application/json', body: `${JSON.stringify(value, null, 2)}\n` };
}
