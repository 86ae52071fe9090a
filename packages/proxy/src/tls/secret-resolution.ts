import type {
  CertificateValidationContext,
  CommonTlsContext,
  Secret,
  TlsCertificate,
} from '@tandem/api/envoy';
import type { TlsBuildOptions } from './data-source.ts';
import { TlsConfigError } from './tls-config-error.ts';

/** Finds a secret by name: static `secrets` now, SDS later. */
export type SecretLookup = (name: string) => Secret | undefined;

/** A SecretLookup over a list of secrets (e.g. the bootstrap's static_resources.secrets). */
export function secretLookup(secrets: readonly Secret[]): SecretLookup {
  const byName = new Map(secrets.map((s) => [s.name, s]));
  return (name) => byName.get(name);
}

/** A TlsCertificate together with the config path it came from (for error messages). */
export interface LocatedCertificate {
  readonly certificate: TlsCertificate;
  readonly field: string;
}

/** Inline `tls_certificates` followed by the ones named in `tls_certificate_sds_secret_configs`. */
export function resolveCertificates(
  common: CommonTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions,
): LocatedCertificate[] {
  const inline = common.tlsCertificates.map((certificate, i) => ({
    certificate,
    field: `common_tls_context.tls_certificates[${i}]`,
  }));
  const named = common.tlsCertificateSdsSecretConfigs.map((name, i) => {
    const field = `common_tls_context.tls_certificate_sds_secret_configs[${i}]`;
    const secret = findSecret(secrets, name, 'tlsCertificate', field, options);
    return { certificate: secret.tlsCertificate, field: `secret "${name}".tls_certificate` };
  });
  return [...inline, ...named];
}

/** A validation context after merging, with the field its trusted CA came from. */
export interface ResolvedValidationContext {
  readonly context: CertificateValidationContext;
  readonly trustedCaField: string;
}

/**
 * The effective validation context. When both an inline `validation_context` and a
 * `validation_context_sds_secret_config` are set (Envoy's combined validation context, which
 * Istio uses), they merge like Envoy does: the secret's `trusted_ca` wins if set, and SAN
 * matchers of both apply.
 */
export function resolveValidationContext(
  common: CommonTlsContext,
  secrets: SecretLookup,
  options: TlsBuildOptions,
): ResolvedValidationContext | undefined {
  const inline = common.validationContext;
  const inlineField = 'common_tls_context.validation_context.trusted_ca';
  const name = common.validationContextSdsSecretConfig;
  if (name === undefined) return inline && { context: inline, trustedCaField: inlineField };
  const field = 'common_tls_context.validation_context_sds_secret_config';
  const fromSecret = findSecret(secrets, name, 'validationContext', field, options).validationContext;
  const secretField = `secret "${name}".validation_context.trusted_ca`;
  const useSecretCa = fromSecret.trustedCa !== undefined || inline?.trustedCa === undefined;
  return {
    context: {
      trustedCa: fromSecret.trustedCa ?? inline?.trustedCa,
      matchSubjectAltNames: [...(inline?.matchSubjectAltNames ?? []), ...fromSecret.matchSubjectAltNames],
    },
    trustedCaField: useSecretCa ? secretField : inlineField,
  };
}

function findSecret<K extends Secret['kind']>(
  secrets: SecretLookup,
  name: string,
  kind: K,
  field: string,
  options: TlsBuildOptions,
): Extract<Secret, { kind: K }> {
  const secret = secrets(name);
  if (!secret) {
    const why = `secret "${name}" not found in static_resources.secrets (secrets over SDS are not fetched yet)`;
    throw new TlsConfigError(options.target, field, why);
  }
  if (secret.kind !== kind) {
    throw new TlsConfigError(
      options.target,
      field,
      `secret "${name}" is a ${secret.kind}, expected a ${kind}`,
    );
  }
  return secret as Extract<Secret, { kind: K }>;
}
