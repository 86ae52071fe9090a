/** A bootstrap that gets listeners and clusters over ADS from a management server on 127.0.0.1:`port`. */
import { staticCluster } from './bootstrap.ts';

export const ADS_CLUSTER = 'xds-grpc';

const HTTP2 = {
  typed_extension_protocol_options: {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      explicit_http_config: { http2_protocol_options: {} },
    },
  },
};

export function adsBootstrap(
  port: number,
  options: { initialFetchTimeout?: string } = {},
): Record<string, unknown> {
  const source = {
    ads: {},
    resource_api_version: 'V3',
    ...(options.initialFetchTimeout === undefined
      ? {}
      : { initial_fetch_timeout: options.initialFetchTimeout }),
  };
  return {
    node: {
      id: 'sidecar~127.0.0.1~web-1.default~default.svc.cluster.local',
      cluster: 'web',
      metadata: { NAMESPACE: 'default', LABELS: { app: 'web' } },
      locality: { region: 'eu-west-1', zone: 'eu-west-1a' },
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: ADS_CLUSTER } }],
        set_node_on_first_message_only: true,
      },
      lds_config: source,
      cds_config: source,
    },
    static_resources: { clusters: [staticCluster(ADS_CLUSTER, [port], HTTP2)] },
  };
}
