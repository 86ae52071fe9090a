/**
 * Istio-style mutual TLS transport sockets between sidecars: the workload certificate is the SDS secret
 * `default` (provided by the proxy itself) and the trust bundle the SDS secret `ROOTCA` (pushed by the control
 * plane), both over ADS. Clients offer the ALPN protocols `istio-peer-exchange` and `istio` as Istio's
 * sidecars do; servers accept those besides h2 and http/1.1.
 */
import { type Json, TYPE } from './xds-resources.ts';

export const WORKLOAD_SECRET = 'default';
export const ROOT_SECRET = 'ROOTCA';
export const MESH_ALPN = ['istio-peer-exchange', 'istio'];
const DOWNSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

const sds = (name: string): Json => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });

function meshCommonTls(sans: readonly string[], alpn: readonly string[]): Json {
  return {
    tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
    tls_certificate_sds_secret_configs: [sds(WORKLOAD_SECRET)],
    combined_validation_context: {
      default_validation_context:
        sans.length === 0
          ? {}
          : {
              match_typed_subject_alt_names: sans.map((s) => ({ san_type: 'URI', matcher: { exact: s } })),
            },
      validation_context_sds_secret_config: sds(ROOT_SECRET),
    },
    alpn_protocols: [...alpn],
  };
}

/** The client side (a cluster's transport socket): `sni` as Istio names it, `sans` of the destination's workloads. */
export function istioMutualUpstream(sni: string, sans: readonly string[]): Json {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: { '@type': TYPE.upstreamTls, sni, common_tls_context: meshCommonTls(sans, MESH_ALPN) },
  };
}

/** The server side (an inbound filter chain): a client certificate from the mesh is required. */
export function istioMutualDownstream(): Json {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': DOWNSTREAM_TLS,
      common_tls_context: meshCommonTls([], ['h2', 'http/1.1', ...MESH_ALPN]),
      require_client_certificate: true,
    },
  };
}

/** `outbound_.8080_.v1_.web.default.svc.cluster.local` (Istio's SNI for mesh mTLS). */
export function istioSni(port: number, subset: string, host: string): string {
  return `outbound_.${port}_.${subset}_.${host}`;
}

/** The trust bundle as an SDS Secret. */
export function rootSecret(rootsPem: readonly string[]): Json {
  return { name: ROOT_SECRET, validation_context: { trusted_ca: { inline_string: rootsPem.join('') } } };
}
