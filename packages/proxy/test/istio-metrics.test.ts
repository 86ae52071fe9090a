/**
 * Istio's standard metrics through two sidecars set up from static bootstraps: a client sidecar
 * (OUTBOUND listener, cluster outbound|8080||web...) and the server's sidecar (INBOUND listener,
 * cluster inbound|8080||) in front of the app. The metadata exchange makes each side label the
 * other's workload; the scrape passes `promtool check metrics`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminRequest } from './helpers/admin.ts';
import { type Backend, freePort, startEchoBackend } from './helpers/backends.ts';
import { hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { isInherentLint, promtoolCheck } from './helpers/promtool.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const WEB = 'outbound|8080||web.default.svc.cluster.local';

function node(id: string, labels: Record<string, string>, workload: string) {
  return {
    id,
    cluster: labels['app'],
    metadata: { NAMESPACE: 'default', LABELS: labels, WORKLOAD_NAME: workload },
  };
}

function sidecar(
  n: Record<string, unknown>,
  name: string,
  port: number,
  direction: string,
  cluster: string,
  upstreamPort: number,
): Record<string, unknown> {
  const route = routeConfig([{ match: { prefix: '/' }, route: { cluster } }]);
  const l = listener(name, [{ filters: [hcm(route, { stat_prefix: name })] }], {
    traffic_direction: direction,
  });
  (l['address'] as { socket_address: { port_value: number } }).socket_address.port_value = port;
  return {
    node: n,
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    static_resources: { listeners: [l], clusters: [staticCluster(cluster, [upstreamPort])] },
  };
}

/** The value of `metric` on the line whose labels include every `want` pair. */
export function sampleValue(text: string, metric: string, want: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (Object.entries(want).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('Istio standard metrics between two sidecars', () => {
  let app: Backend;
  let client: RunningProxy;
  let server: RunningProxy;

  before(async () => {
    app = await startEchoBackend('app');
    const inbound = await freePort();
    server = await startProxy(
      sidecar(
        node(
          'sidecar~127.0.0.1~web-v2-1.default~default.svc.cluster.local',
          { app: 'web', version: 'v2' },
          'web-v2',
        ),
        'inbound',
        inbound,
        'INBOUND',
        'inbound|8080||',
        app.port,
      ),
    );
    client = await startProxy(
      sidecar(
        node(
          'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local',
          { app: 'client', version: 'v1' },
          'client',
        ),
        'outbound',
        0,
        'OUTBOUND',
        WEB,
        inbound,
      ),
    );
  });

  after(async () => {
    await client?.stop();
    await server?.stop();
    await app?.close();
  });

  it('counts requests with both workloads on both reporters, and strips the exchange headers', async () => {
    const headers = { host: 'web:8080' };
    for (let i = 0; i < 3; i++)
      assert.equal((await httpRequest(client.port(), '/', { headers })).status, 200);
    for (let i = 0; i < 2; i++)
      assert.equal((await httpRequest(client.port(), '/status/503', { headers })).status, 503);
    const reply = await httpRequest(client.port(), '/', { headers });
    assert.equal(reply.headers['x-envoy-peer-metadata'], undefined, 'client app must not see peer metadata');
    const seen = app.seen[app.seen.length - 1]!;
    assert.equal(seen.headers['x-envoy-peer-metadata'], undefined, 'server app must not see peer metadata');

    const c = (await adminRequest(client.adminPort, '/stats/prometheus')).body;
    const s = (await adminRequest(server.adminPort, '/stats/prometheus')).body;
    const both = {
      source_workload: 'client',
      source_app: 'client',
      source_version: 'v1',
      source_workload_namespace: 'default',
      destination_workload: 'web-v2',
      destination_app: 'web',
      destination_version: 'v2',
      destination_service: 'web.default.svc.cluster.local',
      destination_service_name: 'web',
      destination_service_namespace: 'default',
      request_protocol: 'http',
    };
    const src = { reporter: 'source', ...both, connection_security_policy: 'unknown' };
    const dst = { reporter: 'destination', ...both, connection_security_policy: 'none' };
    assert.equal(sampleValue(c, 'istio_requests_total', { ...src, response_code: '200' }), 4);
    assert.equal(sampleValue(c, 'istio_requests_total', { ...src, response_code: '503' }), 2);
    assert.equal(sampleValue(s, 'istio_requests_total', { ...dst, response_code: '200' }), 4);
    assert.equal(sampleValue(s, 'istio_requests_total', { ...dst, response_code: '503' }), 2);
    assert.equal(
      sampleValue(c, 'istio_request_duration_milliseconds_count', { ...src, response_code: '200' }),
      4,
    );
    assert.equal(sampleValue(s, 'istio_response_bytes_count', { ...dst, response_code: '503' }), 2);
    assert.equal(sampleValue(c, 'envoy_cluster_upstream_rq_total', { envoy_cluster_name: WEB }), 6);
    assert.equal(
      sampleValue(c, 'envoy_cluster_upstream_rq_xx', {
        envoy_response_code_class: '5',
        envoy_cluster_name: WEB,
      }),
      2,
    );
    assert.equal(
      sampleValue(c, 'envoy_cluster_upstream_rq', { envoy_response_code: '200', envoy_cluster_name: WEB }),
      4,
    );
    assert.equal(
      sampleValue(s, 'envoy_http_downstream_rq_xx', {
        envoy_response_code_class: '2',
        envoy_http_conn_manager_prefix: 'inbound',
      }),
      4,
    );
  });

  it('passes promtool check metrics (only lint findings inherent to Istio and Envoy names)', async (t) => {
    for (const proxy of [client, server]) {
      const text = (await adminRequest(proxy.adminPort, '/stats/prometheus')).body;
      const result = promtoolCheck(text);
      if (!result.available) return t.skip('promtool not installed (Debian package prometheus)');
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.lints.filter((l) => !isInherentLint(l)),
        [],
      );
      assert.ok(result.code === 0 || result.code === 3, `promtool exit ${result.code}`);
    }
  });
});
