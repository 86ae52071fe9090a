/**
 * Upgrades and raw TCP: a WebSocket echo through the HTTP connection manager with the `ws`
 * client, a route without the upgrade enabled refusing it, and a raw TCP echo through tcp_proxy
 * (single cluster and weighted clusters) with half-close.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { bootstrap, hcm, listener, routeConfig, staticCluster, TCP_PROXY_TYPE } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

function listenWs(): Promise<{ wss: WebSocketServer; port: number }> {
  return new Promise((resolve) => {
    const wss: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () =>
      resolve({ wss, port: (wss.address() as net.AddressInfo).port }),
    );
    wss.on('connection', (ws: WebSocket, req: { url?: string }) => {
      ws.send(`hello ${req.url}`);
      ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary }));
    });
  });
}

function startTcpEcho(tag: string): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (d) => chunks.push(d));
      // Echo everything after the client half-closes, proving FIN crosses the proxy.
      s.on('end', () => s.end(`${tag}:${Buffer.concat(chunks).toString()}`));
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    );
  });
}

function tcpRoundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => s.end(text));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('WebSocket and TCP through the proxy', () => {
  let ws: { wss: WebSocketServer; port: number };
  let t1: { server: net.Server; port: number };
  let t2: { server: net.Server; port: number };
  let proxy: RunningProxy;

  before(async () => {
    ws = await listenWs();
    t1 = await startTcpEcho('t1');
    t2 = await startTcpEcho('t2');
    const rc = routeConfig([
      {
        match: { prefix: '/no-upgrade' },
        route: { cluster: 'ws', upgrade_configs: [{ upgrade_type: 'websocket', enabled: false }] },
      },
      { match: { prefix: '/' }, route: { cluster: 'ws' } },
    ]);
    const tcp = (spec: Record<string, unknown>) => ({
      filters: [
        {
          name: 'envoy.filters.network.tcp_proxy',
          typed_config: { '@type': TCP_PROXY_TYPE, stat_prefix: 'tcp', ...spec },
        },
      ],
    });
    proxy = await startProxy(
      bootstrap(
        [
          listener('http', [{ filters: [hcm(rc, { upgrade_configs: [{ upgrade_type: 'websocket' }] })] }]),
          listener('tcp', [tcp({ cluster: 't1' })]),
          listener('tcp-weighted', [
            tcp({
              weighted_clusters: {
                clusters: [
                  { name: 't1', weight: 1 },
                  { name: 't2', weight: 1 },
                ],
              },
            }),
          ]),
        ],
        [staticCluster('ws', [ws.port]), staticCluster('t1', [t1.port]), staticCluster('t2', [t2.port])],
      ),
    );
  });

  after(async () => {
    await proxy?.stop();
    ws?.wss.close();
    t1?.server.close();
    t2?.server.close();
  });

  it('echoes WebSocket text and binary messages', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port('http')}/chat`);
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('message', (data, isBinary) => {
        messages.push(isBinary ? `bin:${(data as Buffer).length}` : data.toString());
        if (messages.length === 1) {
          client.send('ping');
          client.send(Buffer.alloc(100_000, 1));
        }
        if (messages.length === 3) client.close();
      });
      client.on('close', () => resolve());
    });
    assert.deepEqual(messages, ['hello /chat', 'ping', 'bin:100000']);
  });

  it('refuses an upgrade on a route that disables it', async () => {
    const r = await curl([
      '-H',
      'connection: upgrade',
      '-H',
      'upgrade: websocket',
      '-H',
      'sec-websocket-version: 13',
      '-H',
      'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==',
      `http://127.0.0.1:${proxy.port('http')}/no-upgrade`,
    ]);
    assert.equal(r.status, 403);
  });

  it('proxies raw TCP with half-close', async () => {
    assert.equal(await tcpRoundTrip(proxy.port('tcp'), 'hello tcp'), 't1:hello tcp');
  });

  it('spreads TCP connections over weighted clusters', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++)
      seen.add((await tcpRoundTrip(proxy.port('tcp-weighted'), 'x')).split(':')[0]!);
    assert.deepEqual([...seen].sort(), ['t1', 't2']);
  });

  it('counts TCP proxy stats', async () => {
    const r = await curl([`http://127.0.0.1:${proxy.adminPort}/stats?filter=^tcp\\.tcp\\.`]);
    const m = /tcp\.tcp\.downstream_cx_total: (\d+)/.exec(r.body);
    assert.ok(m && Number(m[1]) >= 1, r.body);
  });
});
