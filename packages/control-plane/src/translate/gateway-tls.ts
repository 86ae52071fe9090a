/**
 * TLS termination on gateway servers (SIMPLE and MUTUAL with certificate files) as a DownstreamTlsContext,
 * Istio's way: TLS 1.2 at least unless the server says otherwise, only the cipher suites Istio accepts
 * (deduplicated), client certificates required and checked against `caCertificates` and
 * `subjectAltNames` for MUTUAL; and the SNI names a server's filter chain matches. Secrets by
 * `credentialName`, ISTIO_MUTUAL and OPTIONAL_MUTUAL have no source or support yet and are reported.
 */
import { type GatewayServer, type ServerTlsSettings, VALID_CIPHER_SUITES } from '@tandem/api/istio';
import { type Json, TYPE } from './xds-resources.ts';

export const TLS_INSPECTOR: Json = {
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: { '@type': TYPE.tlsInspector },
};

const ENVOY_VERSION: Readonly<Record<ServerTlsSettings['minProtocolVersion'], string>> = {
  TLS_AUTO: 'TLS_AUTO',
  TLSV1_0: 'TLSv1_0',
  TLSV1_1: 'TLSv1_1',
  TLSV1_2: 'TLSv1_2',
  TLSV1_3: 'TLSv1_3',
};

/** Why Tandem cannot terminate TLS for these settings, or `undefined` when it can. */
export function tlsTerminationProblem(tls: ServerTlsSettings): string | undefined {
  if (tls.credentialName !== '')
    return `credentialName "${tls.credentialName}": certificates from secrets are not supported yet (no secret source); use serverCertificate and privateKey files`;
  if (tls.mode === 'ISTIO_MUTUAL')
    return 'tls mode ISTIO_MUTUAL needs mesh certificates, which gateways do not get yet';
  if (tls.mode === 'OPTIONAL_MUTUAL') return 'tls mode OPTIONAL_MUTUAL is not supported yet';
  if (tls.mode === 'AUTO_PASSTHROUGH') return 'tls mode AUTO_PASSTHROUGH is not supported yet';
  return undefined;
}

function tlsParams(tls: ServerTlsSettings): Json {
  const params: Json = {
    tls_minimum_protocol_version:
      tls.minProtocolVersion === 'TLS_AUTO' ? 'TLSv1_2' : ENVOY_VERSION[tls.minProtocolVersion],
  };
  if (tls.maxProtocolVersion !== 'TLS_AUTO')
    params['tls_maximum_protocol_version'] = ENVOY_VERSION[tls.maxProtocolVersion];
  const suites = [...new Set(tls.cipherSuites.filter((c) => VALID_CIPHER_SUITES.has(c)))];
  if (suites.length > 0) params['cipher_suites'] = suites;
  return params;
}

/** The transport socket terminating TLS for a SIMPLE or MUTUAL server (`alpn`: what HTTP offers). */
export function downstreamTlsSocket(tls: ServerTlsSettings, alpn: readonly string[]): Json {
  const common: Json = {
    tls_params: tlsParams(tls),
    tls_certificates: [
      { certificate_chain: { filename: tls.serverCertificate }, private_key: { filename: tls.privateKey } },
    ],
  };
  if (alpn.length > 0) common['alpn_protocols'] = [...alpn];
  if (tls.caCertificates !== '') {
    const validation: Json = { trusted_ca: { filename: tls.caCertificates } };
    if (tls.subjectAltNames.length > 0)
      validation['match_subject_alt_names'] = tls.subjectAltNames.map((exact) => ({ exact }));
    common['validation_context'] = validation;
  }
  const context: Json = { '@type': TYPE.downstreamTls, common_tls_context: common };
  if (tls.mode === 'MUTUAL') context['require_client_certificate'] = true;
  return { name: 'envoy.transport_sockets.tls', typed_config: context };
}

/** The SNI names a TLS server's filter chain matches: its hosts, or none (any name) when one is `*`. */
export function serverSniHosts(server: GatewayServer): string[] {
  const hosts = [...new Set(server.hosts.map((h) => h.slice(h.indexOf('/') + 1)))].sort();
  return hosts.includes('*') ? [] : hosts;
}
