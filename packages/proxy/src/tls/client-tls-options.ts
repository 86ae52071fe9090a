import type tls from 'node:tls';
import type { UpstreamTlsContext } from '@tandem/api/envoy';
import type { TlsBuildOptions } from './data-source.ts';
import type { SecretLookup } from './secret-resolution.ts';
import { parseSubjectAltNames } from './subject-alt-names.ts';
import { buildTlsContext, type TlsContext } from './tls-context.ts';
import { TlsPeerError } from './tls-peer-error.ts';

/**
 * Options to spread into `tls.connect({ ...clientTls, host, port })` or
 * `tls.connect({ ...clientTls, socket })`. Built once per UpstreamTlsContext (per cluster).
 */
export interface ClientTlsOptions {
  readonly secureContext: tls.SecureContext;
  /** SNI to send; '' sends none (Envoy sends SNI only when `sni` is set). */
  readonly servername: string;
  readonly ALPNProtocols: string[] | undefined;
  /** True only with a trusted CA: without one Envoy does not verify the server at all. */
  readonly rejectUnauthorized: boolean;
  /** Envoy's server identity check: SAN matchers only, never the hostname. */
  readonly checkServerIdentity: (hostname: string, cert: tls.PeerCertificate) => Error | undefined;
  /** The TlsContext the options were built from (certificates, validation). */
  readonly tlsContext: TlsContext;
}

/**
 * Builds upstream (client-side) TLS for a cluster from an Envoy UpstreamTlsContext. The server
 * is verified Envoy's way: with a trusted CA its chain must verify against that CA only, and if
 * SAN matchers are configured one must match; the hostname is never checked; with no trusted
 * CA nothing is verified. Node enforces this during tls.connect (a resumed session skips
 * checkServerIdentity; do not pass `session` across contexts). Throws TlsConfigError.
 *
 * @example
 * const clientTls = buildClientTlsOptions(cluster.transportSocket, secrets, { target: 'cluster "reviews"' });
 * const socket = tls.connect({ ...clientTls, host: '10.0.0.3', port: 9080 });
 */
export function buildClientTlsOptions(
  ctx: UpstreamTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions = {},
): ClientTlsOptions {
  const context = buildTlsContext(ctx.commonTlsContext, secrets, { ...options, role: 'client' });
  const { matchSans, trustedCaPem } = context.validation;
  const checkServerIdentity = (_hostname: string, cert: tls.PeerCertificate): Error | undefined => {
    if (!matchSans) return undefined;
    const sans = parseSubjectAltNames(cert.subjectaltname);
    if (matchSans(sans)) return undefined;
    const listed = sans.map((s) => `${s.type}:${s.value}`).join(', ') || 'none';
    return new TlsPeerError(options.target, `no server certificate SAN matches (SANs: ${listed})`);
  };
  return Object.freeze({
    secureContext: context.secureContext,
    servername: ctx.sni,
    ALPNProtocols: context.alpnProtocols.length > 0 ? [...context.alpnProtocols] : undefined,
    rejectUnauthorized: trustedCaPem !== undefined,
    checkServerIdentity,
    tlsContext: context,
  });
}
