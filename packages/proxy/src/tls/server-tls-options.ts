import type tls from 'node:tls';
import type { DownstreamTlsContext } from '@tandem/api/envoy';
import type { TlsBuildOptions } from './data-source.ts';
import { peerVerifyError } from './peer-verify-result.ts';
import type { SecretLookup } from './secret-resolution.ts';
import { parseSubjectAltNames } from './subject-alt-names.ts';
import { TlsConfigError } from './tls-config-error.ts';
import { buildTlsContext, type TlsContext } from './tls-context.ts';
import { TlsPeerError } from './tls-peer-error.ts';

/**
 * Options for `new tls.TLSSocket(socket, options)` on an accepted connection (or for
 * tls.createServer), plus the post-handshake check Envoy does and Node does not.
 * Built once per DownstreamTlsContext and shared by all its connections.
 */
export interface ServerTlsOptions {
  readonly isServer: true;
  readonly secureContext: tls.SecureContext;
  readonly ALPNProtocols: string[] | undefined;
  /** A client certificate is asked for (a trusted CA is configured). */
  readonly requestCert: boolean;
  /** A client certificate is mandatory (require_client_certificate, or SAN matchers). */
  readonly rejectUnauthorized: boolean;
  /** The TlsContext the options were built from (certificates, validation). */
  readonly tlsContext: TlsContext;
  /**
   * Call on the socket's 'secure' event and destroy the socket if it returns an error: checks
   * that a required certificate was sent, that a presented certificate chains to the trusted CA
   * (a standalone TLSSocket does not enforce this) and that a SAN matches.
   */
  verifyPeer(socket: tls.TLSSocket): TlsPeerError | undefined;
}

/**
 * Builds server-side TLS for a listener filter chain from an Envoy DownstreamTlsContext.
 * Client certificates follow Envoy: with a trusted CA they are requested and, when presented,
 * must verify; they are required when `require_client_certificate` is set or SAN matchers are
 * configured. `require_client_certificate` without a trusted CA is rejected (Envoy would
 * silently not ask for a certificate). Throws TlsConfigError.
 *
 * @example
 * const serverTls = buildServerTlsOptions(chain.transportSocket, secrets, { target: 'listener "in" filter chain "mtls"' });
 * const secure = new tls.TLSSocket(socket, serverTls);
 * secure.once('secure', () => { const err = serverTls.verifyPeer(secure); if (err) secure.destroy(err); });
 */
export function buildServerTlsOptions(
  ctx: DownstreamTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions = {},
): ServerTlsOptions {
  const context = buildTlsContext(ctx.commonTlsContext, secrets, { ...options, role: 'server' });
  const hasCa = context.validation.trustedCaPem !== undefined;
  if (ctx.requireClientCertificate && !hasCa) {
    const reason = 'require_client_certificate needs a validation context with a trusted_ca';
    throw new TlsConfigError(options.target, 'require_client_certificate', reason);
  }
  const certRequired = ctx.requireClientCertificate || context.validation.matchSans !== undefined;
  return Object.freeze({
    isServer: true as const,
    secureContext: context.secureContext,
    ALPNProtocols: context.alpnProtocols.length > 0 ? [...context.alpnProtocols] : undefined,
    requestCert: hasCa,
    rejectUnauthorized: certRequired,
    tlsContext: context,
    verifyPeer: (socket: tls.TLSSocket) => verifyClient(socket, context, certRequired, options.target),
  });
}

function verifyClient(
  socket: tls.TLSSocket,
  context: TlsContext,
  certRequired: boolean,
  target: string | undefined,
): TlsPeerError | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert)
    return certRequired ? new TlsPeerError(target, 'the client presented no certificate') : undefined;
  if (context.validation.trustedCaPem === undefined) return undefined;
  const chainError = peerVerifyError(socket);
  if (chainError) return new TlsPeerError(target, `client certificate verify failed: ${chainError}`);
  const { matchSans } = context.validation;
  const sans = parseSubjectAltNames(cert.subjectAltName);
  if (matchSans && !matchSans(sans)) {
    const listed = sans.map((s) => `${s.type}:${s.value}`).join(', ') || 'none';
    return new TlsPeerError(target, `no client certificate SAN matches (SANs: ${listed})`);
  }
  return undefined;
}
