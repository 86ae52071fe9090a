/**
 * Pluggable authentication of the CA's callers (Istio's separation of serving from authentication): each
 * authenticator turns a credential into a workload identity or refuses it. The CA signs only for an
 * identity one of them established. Local mode uses {@link LocalTokenAuthenticator}; Kubernetes mode plugs a
 * TokenReview-based authenticator in through the same interface.
 */
import { CaError, CaErrorCode } from './ca-error.ts';
import type { WorkloadIdentity } from './spiffe.ts';

/** What a caller presented: the bearer token from the `authorization` metadata, and its address. */
export interface CallerCredential {
  readonly bearerToken: string | undefined;
  readonly peerAddress: string;
}

export interface CallerAuthenticator {
  /** For logs and errors, e.g. `local-token`, `kubernetes-token-review`. */
  readonly name: string;
  /**
   * The identity the credential proves. Rejects (any error) when the credential is not this
   * authenticator's kind or does not verify.
   */
  authenticate(credential: CallerCredential): Promise<WorkloadIdentity> | WorkloadIdentity;
}

/**
 * Tries the authenticators in order; the first that accepts wins.
 *
 * @throws {CaError} `TANDEM_ERR_CA_UNAUTHENTICATED` listing why each refused.
 */
export async function authenticateCaller(
  authenticators: readonly CallerAuthenticator[],
  credential: CallerCredential,
): Promise<WorkloadIdentity & { readonly authenticator: string }> {
  if (credential.bearerToken === undefined || credential.bearerToken === '')
    throw new CaError(CaErrorCode.unauthenticated, 'no credential: send "authorization: Bearer <token>"');
  const reasons: string[] = [];
  for (const a of authenticators) {
    try {
      const identity = await a.authenticate(credential);
      return {
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        authenticator: a.name,
      };
    } catch (err) {
      reasons.push(`${a.name}: ${(err as Error).message}`);
    }
  }
  throw new CaError(
    CaErrorCode.unauthenticated,
    `the credential was refused (${reasons.join('; ') || 'no authenticator configured'})`,
  );
}
