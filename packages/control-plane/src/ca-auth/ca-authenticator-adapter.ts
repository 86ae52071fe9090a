/**
 * Plugs a token authenticator (Kubernetes TokenReview) into the CA's caller authentication: the CA
 * hands over the bearer token it received; a refusal becomes the error the CA reports.
 */
import type {
  CallerAuthenticator as CaCallerAuthenticator,
  CallerCredential,
} from '../ca/caller-authenticator.ts';
import type { WorkloadIdentity } from '../ca/spiffe.ts';
import type { TokenAuthenticator } from './token-authenticator.ts';

export function caAuthenticatorOf(inner: TokenAuthenticator): CaCallerAuthenticator {
  return {
    name: inner.name,
    async authenticate(credential: CallerCredential): Promise<WorkloadIdentity> {
      const result = await inner.authenticate(credential.bearerToken ?? '');
      if (!result.ok) throw result.error;
      return { namespace: result.identity.namespace, serviceAccount: result.identity.serviceAccount };
    },
  };
}
