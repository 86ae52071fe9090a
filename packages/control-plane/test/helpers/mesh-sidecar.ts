/**
 * Test-only: Tandem sidecars (in-process ProxyServers) configured by a control plane over ADS, with a
 * workload identity (certificate from the control plane's CA with a local bootstrap token), and small HTTP
 * apps that echo what they saw (the caller's x-forwarded-client-cert included).
 */
import http from 'node:http';
import type net from 'node:net';
import { validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import { adsBootstrap } from '../../../proxy/test/helpers/ads-bootstrap.ts';
import type { ControlPlane } from '../../src/control-plane.ts';

export interface SidecarSpec {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly labels: Record<string, string>;
  /** Port of the HTTP proxy listener the app sends its outbound requests to (none when 0). */
  readonly proxyPort?: number;
  readonly ttlMs?: number;
}

export async function startMeshSidecar(
  cp: ControlPlane,
  xdsPort: number,
  spec: SidecarSpec,
): Promise<ProxyServer> {
  const raw = adsBootstrap(xdsPort, { initialFetchTimeout: '5s' }) as { node: Record<string, unknown> };
  raw.node = {
    id: `sidecar~127.0.0.1~${spec.name}.${spec.namespace}~${spec.namespace}.svc.cluster.local`,
    cluster: spec.name,
    metadata: {
      NAMESPACE: spec.namespace,
      SERVICE_ACCOUNT: spec.serviceAccount,
      LABELS: spec.labels,
      INTERCEPTION_MODE: 'NONE',
      OUTBOUND_LISTENERS: 'http-proxy',
      ...(spec.proxyPort ? { HTTP_PROXY_PORT: String(spec.proxyPort) } : {}),
    },
  };
  const v = validateBootstrap(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const identity = { namespace: spec.namespace, serviceAccount: spec.serviceAccount };
  const proxy = new ProxyServer({
    bootstrap: v.bootstrap,
    raw,
    log: process.env.TANDEM_TEST_LOG ? (l) => process.stderr.write(`[${spec.name}] ${l}\n`) : () => {},
    drainTimeMs: 500,
    identity: {
      caAddress: `127.0.0.1:${xdsPort}`,
      token: () => cp.security!.mintToken(identity),
      trustDomain: 'cluster.local',
      ...identity,
      ...(spec.ttlMs === undefined ? {} : { ttlMs: spec.ttlMs }),
    },
  });
  await proxy.start();
  return proxy;
}

export interface EchoApp {
  readonly server: http.Server;
  readonly port: number;
}

/** Answers `{ name, xfcc }` as JSON. */
export function startEchoApp(name: string): Promise<EchoApp> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.end(
        JSON.stringify({
          name,
          xfcc: req.headers['x-forwarded-client-cert'] ?? '',
          path: req.url,
          headers: req.headers,
        }),
      ),
    );
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    ),
  );
}

export interface Reply {
  status: number;
  body: string;
}

/** One request to `url` through an HTTP proxy listener (or straight to the URL when proxyPort is 0). */
export function request(
  proxyPort: number,
  url: string,
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxyPort || Number(u.port),
        path: proxyPort ? url : `${u.pathname}${u.search}`,
        headers: { host: u.host, ...headers },
        agent: agent ?? false,
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ status: 0, body }));
      },
    );
    req.setTimeout(5000, () => req.destroy());
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
