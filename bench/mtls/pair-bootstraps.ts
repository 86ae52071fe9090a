/**
 * Bootstraps for two Tandem sidecars in a row, as in a mesh: the client sidecar (listener -> cluster
 * `server-sidecar`) and the server sidecar (listener -> the nginx backend). With `mtls`, the hop between
 * them is mutual TLS the way a mesh does it: each side presents a SPIFFE certificate, requires the other's
 * and checks its SAN; without, the same two proxies talk plaintext.
 */
export interface PairPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  serverId: string;
  clientId: string;
}

export interface PairPorts {
  clientAdmin: number;
  clientListener: number;
  serverAdmin: number;
  serverListener: number;
  backend: number;
}

const HCM =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const DOWN = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const UP = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

function proxy(
  admin: number,
  listener: number,
  target: number,
  down: object | undefined,
  up: object | undefined,
) {
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: admin } } },
    static_resources: {
      listeners: [
        {
          name: 'ingress',
          address: { socket_address: { address: '127.0.0.1', port_value: listener } },
          filter_chains: [
            {
              ...(down
                ? {
                    transport_socket: {
                      name: 'envoy.transport_sockets.tls',
                      typed_config: { '@type': DOWN, ...down },
                    },
                  }
                : {}),
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': HCM,
                    stat_prefix: 'ingress_http',
                    codec_type: 'AUTO',
                    route_config: {
                      name: 'local',
                      virtual_hosts: [
                        {
                          name: 'all',
                          domains: ['*'],
                          routes: [{ match: { prefix: '/' }, route: { cluster: 'next' } }],
                        },
                      ],
                    },
                    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'next',
          connect_timeout: '1s',
          type: 'STATIC',
          lb_policy: 'ROUND_ROBIN',
          load_assignment: {
            cluster_name: 'next',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: target } } } },
                ],
              },
            ],
          },
          ...(up
            ? {
                transport_socket: {
                  name: 'envoy.transport_sockets.tls',
                  typed_config: { '@type': UP, ...up },
                },
              }
            : {}),
        },
      ],
    },
  };
}

const uri = (id: string) => ({ san_type: 'URI', matcher: { exact: id } });

/** The server sidecar's listener TLS (also what the handshake-rate measurement connects to). */
export function serverTls(pki: PairPki): object {
  return {
    require_client_certificate: true,
    common_tls_context: {
      tls_certificates: [
        { certificate_chain: { filename: pki.serverCert }, private_key: { filename: pki.serverKey } },
      ],
      validation_context: {
        trusted_ca: { filename: pki.ca },
        match_typed_subject_alt_names: [uri(pki.clientId)],
      },
      alpn_protocols: ['h2', 'http/1.1', 'istio-peer-exchange', 'istio'],
    },
  };
}

export function pairBootstraps(
  ports: PairPorts,
  pki: PairPki | undefined,
): { client: object; server: object } {
  const up = pki && {
    sni: 'outbound_.80_._.server.bench.svc.cluster.local',
    common_tls_context: {
      tls_certificates: [
        { certificate_chain: { filename: pki.clientCert }, private_key: { filename: pki.clientKey } },
      ],
      validation_context: {
        trusted_ca: { filename: pki.ca },
        match_typed_subject_alt_names: [uri(pki.serverId)],
      },
      alpn_protocols: ['istio-peer-exchange', 'istio'],
    },
  };
  return {
    client: proxy(ports.clientAdmin, ports.clientListener, ports.serverListener, undefined, up),
    server: proxy(ports.serverAdmin, ports.serverListener, ports.backend, pki && serverTls(pki), undefined),
  };
}
