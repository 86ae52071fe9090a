import crypto from 'node:crypto';
import tls from 'node:tls';
import type { CommonTlsContext } from '@tandem/api/envoy';
import { type LoadedCertificate, loadTlsCertificate } from './certificate-loader.ts';
import type { TlsBuildOptions } from './data-source.ts';
import { buildPeerValidation, type PeerValidation } from './peer-validation.ts';
import { resolveCertificates, type SecretLookup } from './secret-resolution.ts';
import { TlsConfigError } from './tls-config-error.ts';
import { buildTlsParams, type TlsRole } from './tls-params.ts';

/**
 * Everything built from one CommonTlsContext, once per config, and shared by every connection
 * that uses it. Certificate rotation (SDS) builds a new TlsContext and swaps the reference;
 * connections already established keep the one they started with.
 */
export interface TlsContext {
  readonly secureContext: tls.SecureContext;
  /** ALPN protocols to offer (client) or accept (server); empty = no ALPN. */
  readonly alpnProtocols: readonly string[];
  readonly validation: PeerValidation;
  /** The loaded own certificates (leaf first in each chain). */
  readonly certificates: readonly LoadedCertificate[];
}

/**
 * Builds a Node SecureContext from an Envoy CommonTlsContext: certificates (inline and from
 * named secrets), trusted CA and SAN matchers (inline and/or from a validation-context secret),
 * TLS versions, cipher suites, ECDH curves and ALPN. All files and environment variables are
 * read here, never per connection. Throws TlsConfigError (`TANDEM_ERR_TLS_CONFIG`).
 *
 * @example
 * const ctx = buildTlsContext(downstream.commonTlsContext, secretLookup(bootstrap.staticResources.secrets), {
 *   role: 'server', target: 'listener "inbound|8443"',
 * });
 */
export function buildTlsContext(
  common: CommonTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions & { role: TlsRole },
): TlsContext {
  const certificates = resolveCertificates(common, secrets, options).map(({ certificate, field }) =>
    loadTlsCertificate(certificate, field, options),
  );
  if (options.role === 'server' && certificates.length === 0) {
    const reason = 'a server needs at least one certificate (no tls_certificates or SDS secret configured)';
    throw new TlsConfigError(options.target, 'common_tls_context.tls_certificates', reason);
  }
  const validation = buildPeerValidation(common, secrets, options);
  const params = buildTlsParams(common.tlsParams, options.role, options);
  const contextOptions: tls.SecureContextOptions = { ...params };
  if (certificates.length > 0) {
    contextOptions.cert = certificates.map((c) => c.chainPem);
    contextOptions.key = certificates.map((c) => c.keyPem);
  }
  if (validation.trustedCaPem) contextOptions.ca = validation.trustedCaPem;
  if (options.role === 'server') contextOptions.sessionIdContext = sessionIdContext(certificates, validation);
  return {
    secureContext: createSecureContext(contextOptions, options),
    alpnProtocols: Object.freeze([...common.alpnProtocols]),
    validation,
    certificates,
  };
}

function createSecureContext(
  contextOptions: tls.SecureContextOptions,
  options: TlsBuildOptions,
): tls.SecureContext {
  try {
    return tls.createSecureContext(contextOptions);
  } catch (err) {
    const reason = `cannot build the TLS context: ${(err as Error).message}`;
    throw new TlsConfigError(options.target, 'common_tls_context', reason, { cause: err });
  }
}

/**
 * Sessions are only resumed on a context with the same certificates and peer validation
 * (OpenSSL also refuses resumption with client verification when no id context is set).
 */
function sessionIdContext(certificates: readonly LoadedCertificate[], validation: PeerValidation): string {
  const hash = crypto.createHash('sha256');
  for (const c of certificates) hash.update(c.chainPem);
  hash.update(validation.description);
  return hash.digest('hex').slice(0, 32);
}
