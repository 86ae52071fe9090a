import type { Secret } from '@tandem/api/envoy';
import { loadTlsCertificate, loadTrustedCa } from './certificate-loader.ts';

/**
 * Loads a secret's PEM material once, so that a secret that would not build a TLS context is refused when it
 * arrives (its SDS update is NACKed) instead of when a context is rebuilt. Throws TlsConfigError.
 */
export function checkSecret(secret: Secret): void {
  const target = `secret "${secret.name}"`;
  if (secret.kind === 'tlsCertificate')
    loadTlsCertificate(secret.tlsCertificate, 'tls_certificate', { target });
  else if (secret.validationContext.trustedCa !== undefined)
    loadTrustedCa(secret.validationContext.trustedCa, 'validation_context.trusted_ca', { target });
}
