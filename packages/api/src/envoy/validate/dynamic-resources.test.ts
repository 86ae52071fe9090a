import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, hcm, issues, listener, staticCluster } from '../testing/raw-config.ts';
import { validateBootstrap } from './validate-bootstrap.ts';

const H2 = {
  typed_extension_protocol_options: {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      explicit_http_config: { http2_protocol_options: {} },
    },
  },
};
const ADS_CLUSTER_PATH = 'dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name';

function dynamicResources(clusterName = 'xds', extra: Record<string, unknown> = {}) {
  return {
    ads_config: {
      api_type: 'GRPC',
      transport_api_version: 'V3',
      grpc_services: [{ envoy_grpc: { cluster_name: clusterName } }],
    },
    lds_config: { ads: {}, resource_api_version: 'V3' },
    cds_config: { ads: {}, resource_api_version: 'V3' },
    ...extra,
  };
}

function adsBootstrap(resources: Parameters<typeof bootstrap>[0] = {}, dynamic = dynamicResources()) {
  const clusters = [staticCluster('xds', '127.0.0.1', H2), ...(resources.clusters ?? [])];
  return bootstrap(
    { listeners: resources.listeners ?? [], clusters, secrets: resources.secrets },
    { dynamic_resources: dynamic },
  );
}

describe('validateBootstrap with dynamic_resources', () => {
  it('accepts ADS with LDS and CDS over it, and fills in the initial fetch timeouts', () => {
    const result = validateBootstrap(adsBootstrap());
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.deepEqual(result.bootstrap.dynamicResources, {
      ads: {
        apiType: 'GRPC',
        clusterName: 'xds',
        authority: '',
        initialMetadata: [],
        setNodeOnFirstMessageOnly: false,
      },
      lds: { initialFetchTimeoutMs: 15000 },
      cds: { initialFetchTimeoutMs: 15000 },
    });
  });

  it('makes RDS and EDS references valid once ads_config is set', () => {
    const rds = hcm(undefined, {
      route_config: undefined,
      rds: { route_config_name: 'r', config_source: { ads: {}, initial_fetch_timeout: '2s' } },
    });
    const eds = { name: 'backend', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } };
    const result = validateBootstrap(adsBootstrap({ listeners: [listener('l', 80, rds)], clusters: [eds] }));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const filter = result.bootstrap.staticResources.listeners[0]!.filterChains[0]!.filters[0]!;
    assert.equal(filter.kind, 'http_connection_manager');
    assert.deepEqual(filter.config.routeSpecifier, {
      kind: 'rds',
      routeConfigName: 'r',
      initialFetchTimeoutMs: 2000,
    });
    assert.equal(result.bootstrap.staticResources.clusters[1]!.edsInitialFetchTimeoutMs, 15000);
  });

  it('needs the ADS cluster to be a static HTTP/2 cluster', () => {
    const missing = validateBootstrap(adsBootstrap({}, dynamicResources('nowhere')));
    assert.ok(!missing.ok);
    assert.deepEqual(issues(missing.errors), [
      [ADS_CLUSTER_PATH, 'cluster "nowhere" is not defined in static_resources.clusters'],
    ]);
    const http1 = validateBootstrap(
      adsBootstrap({ clusters: [staticCluster('plain')] }, dynamicResources('plain')),
    );
    assert.ok(!http1.ok);
    assert.match(http1.errors[0]!.message, /cluster "plain" must speak HTTP\/2 for gRPC/);
    assert.equal(http1.errors[0]!.path, ADS_CLUSTER_PATH);
  });

  it('rejects lds_config/cds_config over ADS without ads_config, and non-GRPC API types', () => {
    const noAds = validateBootstrap(
      bootstrap(
        { listeners: [] },
        { dynamic_resources: { lds_config: { ads: {} }, cds_config: { ads: {} } } },
      ),
    );
    assert.ok(!noAds.ok);
    assert.deepEqual(issues(noAds.errors), [
      ['dynamic_resources.lds_config', 'uses ADS, but dynamic_resources.ads_config is not set'],
      ['dynamic_resources.cds_config', 'uses ADS, but dynamic_resources.ads_config is not set'],
    ]);
    const dynamic = dynamicResources();
    const delta = validateBootstrap(
      adsBootstrap({}, { ...dynamic, ads_config: { ...dynamic.ads_config, api_type: 'DELTA_GRPC' } }),
    );
    assert.ok(!delta.ok);
    assert.deepEqual(issues(delta.errors), [
      [
        'dynamic_resources.ads_config.api_type',
        'ApiType DELTA_GRPC is not supported by Tandem; supported: "GRPC"',
      ],
    ]);
  });

  it('accepts secrets over SDS (ADS), and rejects them without ADS', () => {
    const tls = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
        common_tls_context: {
          tls_certificate_sds_secret_configs: [{ name: 'cert', sds_config: { ads: {} } }],
        },
      },
    };
    const l = listener('l', 443);
    (l.filter_chains as Record<string, unknown>[])[0]!.transport_socket = tls;
    const result = validateBootstrap(adsBootstrap({ listeners: [l], clusters: [staticCluster()] }));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const raw = adsBootstrap({ listeners: [l], clusters: [staticCluster()] }) as Record<string, unknown>;
    delete raw.dynamic_resources;
    const without = validateBootstrap(raw);
    assert.ok(!without.ok);
    assert.match(
      without.errors[0]!.message,
      /secret "cert" would come over ADS, but dynamic_resources\.ads_config is not set/,
    );
  });
});
