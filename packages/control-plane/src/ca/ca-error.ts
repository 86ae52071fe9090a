/** Stable codes of the certificate authority's errors. */
export const CaErrorCode = {
  /** The CA's own material (cacerts directory, keys) is missing, unreadable or inconsistent. */
  config: 'TANDEM_ERR_CA_CONFIG',
  /** The caller could not be authenticated (no, unknown, expired or forged credential). */
  unauthenticated: 'TANDEM_ERR_CA_UNAUTHENTICATED',
  /** The CSR asks for an identity other than the authenticated caller's. */
  foreignIdentity: 'TANDEM_ERR_CA_FOREIGN_IDENTITY',
  /** The CSR does not parse, its signature does not verify, or its key type is not accepted. */
  badCsr: 'TANDEM_ERR_CA_BAD_CSR',
} as const;

export type CaErrorCodeValue = (typeof CaErrorCode)[keyof typeof CaErrorCode];

/**
 * A CA failure with a stable code: the message names what failed and why, e.g.
 * `TANDEM_ERR_CA_FOREIGN_IDENTITY: CSR asks for spiffe://cluster.local/ns/a/sa/x, caller is spiffe://cluster.local/ns/a/sa/y`.
 */
export class CaError extends Error {
  readonly code: CaErrorCodeValue;

  constructor(code: CaErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaError';
    this.code = code;
  }
}
