import type { CommonTlsContext } from '@tandem/api/envoy';
import { loadTrustedCa } from './certificate-loader.ts';
import type { TlsBuildOptions } from './data-source.ts';
import { type CompiledSanMatchers, compileSanMatchers } from './san-matcher.ts';
import { resolveValidationContext, type SecretLookup } from './secret-resolution.ts';
import { TlsConfigError } from './tls-config-error.ts';

/** How a peer certificate is validated: compiled once per config. */
export interface PeerValidation {
  /** PEM bundle of trusted CAs; undefined = the peer certificate is not verified at all. */
  readonly trustedCaPem: string | undefined;
  /** Compiled SAN matchers; undefined when none are configured. */
  readonly matchSans: CompiledSanMatchers | undefined;
  /** Fingerprint input for the server's TLS session id context. */
  readonly description: string;
}

/**
 * Builds the peer validation of a CommonTlsContext: loads the trusted CA (inline or from a
 * validation-context secret) and compiles SAN matchers. Like Envoy, SAN matchers without a
 * trusted CA are rejected ("SAN-based verification without trusted CA is insecure").
 */
export function buildPeerValidation(
  common: CommonTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions,
): PeerValidation {
  const resolved = resolveValidationContext(common, secrets, options);
  if (!resolved) return { trustedCaPem: undefined, matchSans: undefined, description: '' };
  const { context, trustedCaField } = resolved;
  const trustedCaPem = context.trustedCa && loadTrustedCa(context.trustedCa, trustedCaField, options);
  const matchers = context.matchSubjectAltNames;
  if (matchers.length > 0 && !trustedCaPem) {
    const field = 'common_tls_context.validation_context.match_subject_alt_names';
    throw new TlsConfigError(
      options.target,
      field,
      'SAN matchers without a trusted CA are insecure and not allowed',
    );
  }
  let matchSans: CompiledSanMatchers | undefined;
  try {
    matchSans = matchers.length > 0 ? compileSanMatchers(matchers) : undefined;
  } catch (err) {
    const field = 'common_tls_context.validation_context.match_subject_alt_names';
    throw new TlsConfigError(options.target, field, `invalid matcher: ${(err as Error).message}`);
  }
  return { trustedCaPem, matchSans, description: `${trustedCaPem ?? ''}${JSON.stringify(matchers)}` };
}
