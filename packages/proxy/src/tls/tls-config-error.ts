/**
 * A TLS context could not be built from config: a DataSource could not be read, a PEM did not
 * parse, a key does not match its certificate, a secret is missing, a parameter is invalid.
 * The message names the target (e.g. `listener "in" filter chain "mtls"`), the config field
 * (Envoy's snake_case path), the source (file, env var, inline) and why.
 *
 * @example
 * // TANDEM_ERR_TLS_CONFIG: tls config for cluster "reviews": common_tls_context.tls_certificates[0]
 * //   .private_key (file "/etc/certs/key.pem"): file not found
 */
export class TlsConfigError extends Error {
  readonly code = 'TANDEM_ERR_TLS_CONFIG';
  /** The config field that failed, e.g. `common_tls_context.validation_context.trusted_ca`. */
  readonly field: string;
  readonly target: string | undefined;

  constructor(target: string | undefined, field: string, reason: string, options?: { cause?: unknown }) {
    super(`tls config${target ? ` for ${target}` : ''}: ${field}: ${reason}`, options);
    this.name = 'TlsConfigError';
    this.field = field;
    this.target = target;
  }
}
