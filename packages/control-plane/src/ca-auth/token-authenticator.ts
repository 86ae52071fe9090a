/**
 * Bearer-token authentication of the CA's callers in Kubernetes: a token authenticator turns a
 * service-account token into the identity the certificate will carry (the CA takes the SPIFFE ID from
 * it, never from the CSR). Implementation: TokenReview. The CA's own interface is
 * `ca/caller-authenticator.ts`; `caAuthenticatorOf` plugs a token authenticator into it.
 */

export interface CallerIdentity {
  namespace: string;
  serviceAccount: string;
}

export const AuthenticationErrorCode = {
  noCredential: 'TANDEM_ERR_AUTHN_NO_CREDENTIAL',
  rejected: 'TANDEM_ERR_AUTHN_TOKEN_REJECTED',
  audience: 'TANDEM_ERR_AUTHN_AUDIENCE',
  notServiceAccount: 'TANDEM_ERR_AUTHN_NOT_SERVICE_ACCOUNT',
  unavailable: 'TANDEM_ERR_AUTHN_UNAVAILABLE',
} as const;

export type AuthenticationErrorCodeValue =
  (typeof AuthenticationErrorCode)[keyof typeof AuthenticationErrorCode];

export class AuthenticationError extends Error {
  readonly code: AuthenticationErrorCodeValue;

  constructor(code: AuthenticationErrorCodeValue, message: string) {
    super(message);
    this.name = 'AuthenticationError';
    this.code = code;
  }
}

export type AuthenticationResult =
  | { ok: true; identity: CallerIdentity }
  | { ok: false; error: AuthenticationError };

export interface TokenAuthenticator {
  readonly name: string;
  /** Never throws: a refused or unverifiable credential is `{ ok: false, error }`. */
  authenticate(credential: string): Promise<AuthenticationResult>;
}

/** `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`. */
export function spiffeIdOf(identity: CallerIdentity, trustDomain: string): string {
  return `spiffe://${trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

/** The token of an `authorization: Bearer <token>` header (gRPC metadata or HTTP), or ''. */
export function bearerToken(header: string | undefined): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : '';
}
