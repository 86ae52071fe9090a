/**
 * Transparent interception, in network namespaces made by this test: three "pods" on a private
 * bridge, each with iptables rules from `tandem iptables` and a Tandem sidecar running as UID 1337
 * (the exempt one), all configured by the control plane from Istio YAML. An application that calls
 * `http://reviews:9080/` by name, with no proxy settings, is intercepted and the routing rules
 * apply; a plain TCP service passes through unharmed; a port excluded by config bypasses the
 * sidecar. Skipped, with the reason, where there is no root or iptables.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBundle } from '../../../scripts/build-bundle.ts';
import {
  createPodNetwork,
  netnsUnavailable,
  type Pod,
  type PodNetwork,
} from '../../proxy/test/helpers/netns.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TANDEM_SRC = path.join(ROOT, 'packages/cli/bin/tandem.js');
const PROXY_UID = 1337;
const why = netnsUnavailable();

const HTTP_APP = `require('http').createServer((q, s) => s.end('reviews-v1 saw ' + q.url)).listen(9080, '0.0.0.0')`;
const ECHO_APP = `const net = require('net'); for (const p of [7000, 7001]) net.createServer((c) => c.pipe(c)).listen(p, '0.0.0.0')`;
const TCP_CLIENT = (host: string, port: number) =>
  `const c = require('net').connect(${port}, '${host}', () => c.end('ping')); let d = ''; c.on('data', (x) => d += x); c.on('close', () => process.stdout.write(d)); c.on('error', (e) => { console.error(e.message); process.exit(1) })`;

function mesh(podB: Pod, podC: Pod): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews.default.svc.cluster.local]
  addresses: [10.96.0.10]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  endpoints: [{ address: ${podB.ip}, labels: { app: reviews, version: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: tcp-echo, namespace: default }
spec:
  hosts: [tcp-echo.default.svc.cluster.local]
  addresses: [10.96.0.11]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 7000, name: tcp, protocol: TCP }]
  endpoints: [{ address: ${podC.ip} }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - match: [{ uri: { prefix: /blocked } }]
      directResponse: { status: 418 }
    - route: [{ destination: { host: reviews } }]
      headers: { response: { set: { x-routed-by: tandem } } }
`;
}

describe('transparent interception in network namespaces', {
  skip: why === undefined ? false : `skipped: ${why}`,
}, () => {
  let net: PodNetwork;
  let cp: ControlPlane;
  let dir: string;
  let client: Pod;
  let reviews: Pod;
  let echo: Pod;

  before(async () => {
    const bundle = buildBundle(ROOT);
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-transparent-'));
    chmodSync(dir, 0o755);
    net = createPodNetwork(77);
    client = net.pod('client', { reviews: '10.96.0.10', 'tcp-echo': '10.96.0.11' });
    reviews = net.pod('reviews');
    echo = net.pod('echo');
    writeFileSync(path.join(dir, 'mesh.yaml'), mesh(reviews, echo));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, log: () => {} });
    await cp.start();
    const xdsPort = await cp.ads.listen(`${net.bridgeIp}:0`);
    reviews.spawn(['node', '-e', HTTP_APP]);
    echo.spawn(['node', '-e', ECHO_APP]);
    const sidecars: [Pod, string, Record<string, string>, string[]][] = [
      [client, 'productpage-1', { app: 'productpage' }, ['-o', '7001']],
      [reviews, 'reviews-v1-1', { app: 'reviews', version: 'v1' }, []],
      [echo, 'tcp-echo-1', { app: 'tcp-echo' }, ['-b', '7000']],
    ];
    for (const [pod, name, labels, flags] of sidecars) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(bootstrap(pod, name, labels, net.bridgeIp, xdsPort)));
      chmodSync(file, 0o644);
      pod.exec(['node', TANDEM_SRC, 'iptables', '--proxy-uid', String(PROXY_UID), ...flags]);
      pod.spawn(['node', bundle, 'proxy', '--config', file], { uid: PROXY_UID });
    }
    for (const pod of [client, reviews, echo]) await waitReady(pod);
  });

  after(async () => {
    // The control plane goes first, while its peers in the pods can still answer the close.
    await cp?.stop();
    net?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('intercepts an app calling http://reviews:9080/ by name, and the routing rules apply', async () => {
    const out = await retry(() =>
      client.exec(['curl', '-sS', '-D', '-', '--max-time', '5', 'http://reviews:9080/hello']),
    );
    assert.match(out, /^HTTP\/1\.1 200 /);
    assert.match(out, /x-routed-by: tandem/i);
    assert.match(out, /reviews-v1 saw \/hello$/);
    const blocked = client.exec([
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '5',
      'http://reviews:9080/blocked',
    ]);
    assert.equal(blocked, '418');
  });

  it('passes a plain TCP service through unharmed', async () => {
    const out = await retry(() => client.exec(['node', '-e', TCP_CLIENT('tcp-echo', 7000)]));
    assert.equal(out, 'ping');
    const stats = client.exec(['curl', '-sS', 'http://127.0.0.1:15000/stats?filter=tcp-echo']);
    assert.match(
      stats,
      /^tcp\.outbound\|7000\|\|tcp-echo\.default\.svc\.cluster\.local\.downstream_cx_total: [1-9]/m,
    );
  });

  it('lets traffic to an excluded port bypass the sidecar', () => {
    const before = outboundConnections(client);
    assert.equal(client.exec(['node', '-e', TCP_CLIENT(echo.ip, 7001)]), 'ping');
    assert.equal(outboundConnections(client), before);
  });
});

function bootstrap(pod: Pod, name: string, labels: Record<string, string>, cpIp: string, xdsPort: number) {
  return {
    node: {
      id: `sidecar~${pod.ip}~${name}.default~default.svc.cluster.local`,
      cluster: labels['app'],
      metadata: { NAMESPACE: 'default', LABELS: labels, INTERCEPTION_MODE: 'REDIRECT' },
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 15000 } } },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }],
      },
      lds_config: { ads: {}, resource_api_version: 'V3' },
      cds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [
        {
          name: 'xds-grpc',
          type: 'STATIC',
          connect_timeout: '1s',
          load_assignment: {
            cluster_name: 'xds-grpc',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: cpIp, port_value: xdsPort } } } },
                ],
              },
            ],
          },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
        },
      ],
    },
  };
}

async function waitReady(pod: Pod): Promise<void> {
  await retry(() => {
    const code = pod.exec([
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://127.0.0.1:15000/ready',
    ]);
    if (code !== '200') throw new Error(`sidecar in ${pod.name} not ready (${code})`);
    return code;
  }, 200);
}

/** Retries a synchronous probe until it stops throwing (config propagates asynchronously), bounded. */
async function retry<T>(fn: () => T, attempts = 100): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return fn();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw last;
}

function outboundConnections(pod: Pod): number {
  const stats = pod.exec([
    'curl',
    '-sS',
    'http://127.0.0.1:15000/stats?filter=^listener.0.0.0.0_15001.downstream_cx_total',
  ]);
  return Number(/: (\d+)/.exec(stats)?.[1] ?? 0);
}
