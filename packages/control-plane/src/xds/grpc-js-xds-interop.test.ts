/**
 * End to end with a client nobody here wrote: a proxyless @grpc/grpc-js-xds channel (in a child process,
 * bootstrapped by a GRPC_XDS_BOOTSTRAP file) resolves xds:///echo.test:8080 through our ADS server to real
 * grpc-js echo servers, follows an EDS push, and NACKs a cluster it cannot use.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExtensionTypeUrls, TypeUrls } from '@tandem/xds-proto';
import { buildSnapshot, type Snapshot } from './snapshot.ts';
import { type AdsHarness, startAds } from './testing/ads-harness.ts';
import { startEchoServer } from './testing/echo-service.ts';

const TARGET = 'echo.test:8080';
const ADS = { ads: {} };

/** LDS (api_listener, HCM over RDS with the router), RDS, CDS (EDS) and EDS with a weighted locality. */
function grpcSnapshot(version: string, port: number, lbPolicy = 'ROUND_ROBIN'): Snapshot {
  return buildSnapshot(version, {
    [TypeUrls.listener]: [
      {
        name: TARGET,
        api_listener: {
          api_listener: {
            '@type': ExtensionTypeUrls.httpConnectionManager,
            rds: { route_config_name: 'echo-routes', config_source: ADS },
            http_filters: [{ name: 'router', typed_config: { '@type': ExtensionTypeUrls.router } }],
          },
        },
      },
    ],
    [TypeUrls.routeConfiguration]: [
      {
        name: 'echo-routes',
        virtual_hosts: [
          {
            name: 'echo',
            domains: [TARGET],
            routes: [{ match: { prefix: '' }, route: { cluster: 'echo-cluster', timeout: '5s' } }],
          },
        ],
      },
    ],
    [TypeUrls.cluster]: [
      {
        name: 'echo-cluster',
        type: 'EDS',
        lb_policy: lbPolicy,
        eds_cluster_config: { eds_config: ADS, service_name: 'echo-endpoints' },
      },
    ],
    [TypeUrls.clusterLoadAssignment]: [
      {
        cluster_name: 'echo-endpoints',
        endpoints: [
          {
            locality: { region: 'local', zone: 'z1' },
            load_balancing_weight: 1,
            lb_endpoints: [
              { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } },
            ],
          },
        ],
      },
    ],
  });
}

/** Lines a child prints, awaited one condition at a time. */
function lines(child: ChildProcess): (match: RegExp, timeoutMs?: number) => Promise<string> {
  const seen: string[] = [];
  const waiting: { match: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    seen.push(line);
    for (const waiter of [...waiting]) {
      if (waiter.match.test(line)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  return (match, timeoutMs = 15_000) => {
    const found = seen.find((line) => match.test(line));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${match} (saw: ${seen.join(' | ')})`)),
        timeoutMs,
      );
      waiting.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a real @grpc/grpc-js-xds client', () => {
  let ads: AdsHarness;
  let echoA: { port: number; stop(): void };
  let echoB: { port: number; stop(): void };
  let child: ChildProcess;
  let dir: string;
  let nextLine: ReturnType<typeof lines>;

  before(async () => {
    ads = await startAds({ now: Date.now });
    echoA = await startEchoServer('A');
    echoB = await startEchoServer('B');
    ads.cache.setSnapshot('echo-client', grpcSnapshot('1', echoA.port));
    dir = mkdtempSync(join(tmpdir(), 'tandem-xds-'));
    const bootstrap = join(dir, 'bootstrap.json');
    writeFileSync(
      bootstrap,
      JSON.stringify({
        xds_servers: [
          { server_uri: `127.0.0.1:${ads.port}`, channel_creds: [{ type: 'insecure' }], server_features: [] },
        ],
        node: { id: 'grpc-client-1', cluster: 'echo-client', locality: { zone: 'z1' } },
      }),
    );
    const script = fileURLToPath(new URL('./testing/xds-echo-client.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    nextLine = lines(child);
  });

  after(async () => {
    child?.stdin?.end();
    child?.kill();
    echoA?.stop();
    echoB?.stop();
    await ads?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('resolves through LDS, RDS, CDS and EDS, ACKing each, and reaches the backend', async () => {
    await nextLine(/^backend A$/);
    const [node] = ads.connected;
    assert.equal(node?.id, 'grpc-client-1');
    assert.equal(node?.locality?.zone, 'z1');
    assert.match(node?.userAgentName ?? '', /gRPC Node/);
    const [connection] = ads.server.getStatus().connections;
    assert.equal(connection?.protocol, 'sotw');
    const acked = Object.fromEntries(
      connection!.types.map((type) => [
        type.typeUrl,
        type.lastAckedVersion === type.lastSentVersion && type.lastAckedVersion !== null,
      ]),
    );
    assert.deepEqual(acked, {
      [TypeUrls.cluster]: true,
      [TypeUrls.clusterLoadAssignment]: true,
      [TypeUrls.listener]: true,
      [TypeUrls.routeConfiguration]: true,
    });
    assert.deepEqual(connection!.types.find((type) => type.typeUrl === TypeUrls.listener)?.subscribed, [
      TARGET,
    ]);
  });

  it('follows an endpoint push, and only the endpoints are pushed', async () => {
    const before = ads.server
      .getStatus()
      .connections[0]!.types.map((type) => [type.typeUrl, type.lastSentNonce]);
    ads.cache.setSnapshot('echo-client', grpcSnapshot('2', echoB.port));
    await nextLine(/^backend B$/);
    const afterPush = ads.server
      .getStatus()
      .connections[0]!.types.map((type) => [type.typeUrl, type.lastSentNonce]);
    const changed = afterPush.filter(
      ([typeUrl, nonce]) => before.find(([t]) => t === typeUrl)?.[1] !== nonce,
    );
    assert.deepEqual(
      changed.map(([typeUrl]) => typeUrl),
      [TypeUrls.clusterLoadAssignment],
    );
  });

  it('records the NACK of a cluster the client cannot use and keeps serving the old one', async () => {
    const cds = () =>
      ads.server.getStatus().connections[0]!.types.find((type) => type.typeUrl === TypeUrls.cluster)!;
    const ackedBefore = cds().lastAckedVersion;
    ads.cache.setSnapshot('echo-client', grpcSnapshot('3', echoB.port, 'MAGLEV'));
    await waitFor(() => cds().lastNack !== null, 'a NACK for the cluster');
    const status = cds();
    assert.equal(status.lastAckedVersion, ackedBefore);
    assert.equal(status.lastNack?.version, status.lastSentVersion);
    assert.match(status.lastNack?.message ?? '', /unsupported lb_policy: MAGLEV/);
    const sent = ads.server.getStatus().counters.responses;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(ads.server.getStatus().counters.responses, sent, 'no resend loop after the NACK');
  });
});
