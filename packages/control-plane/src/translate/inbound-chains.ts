/**
 * The inbound side of a sidecar, shared by both interception modes: explicit mode has one listener
 * per served port, transparent mode one filter chain per served port in `virtualInbound`, and both
 * take a connection to the application the same way, in the port's PeerAuthentication mode:
 * - the filters: HTTP (JWT and RBAC filters, XFCC under mTLS, a catch-all route to the inbound
 *   cluster) or TCP (network RBAC, then the TCP proxy);
 * - the chains: STRICT has only a mutual TLS chain (plaintext matches no chain and is closed),
 *   PERMISSIVE adds a plaintext chain for the same match (the TLS inspector tells them apart),
 *   DISABLE is plaintext only.
 */
import { hcmFilter, tcpProxyFilter } from './hcm-filter.ts';
import { istioMutualDownstream } from './mtls-transport.ts';
import type { MtlsMode } from './peer-authentication.ts';
import type { RouteContext } from './route-builder.ts';
import { inboundHttpFilters, inboundTcpFilters } from './security-filters.ts';
import type { Json } from './xds-resources.ts';

export const TLS_INSPECTOR: Json = {
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  },
};

/** The filters of an inbound port: to `cluster` (the application), behind the workload's policies. */
export function buildInboundFilters(
  ctx: RouteContext,
  statPrefix: string,
  port: number,
  cluster: string,
  http: boolean,
  mode: MtlsMode,
): Json[] {
  if (!http) return [...inboundTcpFilters(ctx, statPrefix), tcpProxyFilter(statPrefix, { cluster })];
  const routes = {
    name: cluster,
    virtual_hosts: [
      {
        name: `inbound|http|${port}`,
        domains: ['*'],
        routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster, timeout: '0s' } }],
      },
    ],
    validate_clusters: false,
  };
  // XFCC on mTLS connections, as Istio's inbound listeners set it.
  const extra =
    mode === 'DISABLE'
      ? undefined
      : {
          forward_client_cert_details: 'APPEND_FORWARD',
          set_current_client_cert_details: { subject: true, dns: true, uri: true },
        };
  return [hcmFilter(statPrefix, routes, { httpFilters: inboundHttpFilters(ctx, port), extra })];
}

/**
 * The filter chains for one inbound port in `mode`. `base` names the chains and narrows what they
 * match (transparent mode: the destination port); without it the chains are `mtls` and `plaintext`.
 */
export function buildInboundFilterChains(
  filters: Json[],
  mode: MtlsMode,
  base: { name: string; match: Json } | undefined = undefined,
): Json[] {
  const named = (suffix: string): Json =>
    base === undefined ? { name: suffix } : { name: `${base.name}_${suffix}` };
  if (mode === 'DISABLE')
    return [{ ...(base === undefined ? {} : { name: base.name, filter_chain_match: base.match }), filters }];
  const chains: Json[] = [
    {
      ...named('mtls'),
      filter_chain_match: { ...base?.match, transport_protocol: 'tls' },
      transport_socket: istioMutualDownstream(),
      filters,
    },
  ];
  if (mode === 'PERMISSIVE')
    chains.push({
      ...named('plaintext'),
      filter_chain_match: { ...base?.match, transport_protocol: 'raw_buffer' },
      // A copy: later passes (EnvoyFilter patches) change each chain's filters once, not twice.
      filters: structuredClone(filters),
    });
  return chains;
}
