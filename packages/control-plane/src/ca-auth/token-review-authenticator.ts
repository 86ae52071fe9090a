/**
 * Authenticates a caller by its Kubernetes service-account token through the TokenReview API, with
 * audience checking: the review asks for the CA's audience, and the answer must name it in
 * `status.audiences` (an API server that ignores audiences does not), so a token minted for
 * another audience (the default API token, another mesh's CA) is refused. The identity is the
 * service account of `system:serviceaccount:<namespace>:<name>`.
 */
import { KubeApiError } from '../kube/kube-api-error.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import {
  AuthenticationError,
  type AuthenticationResult,
  AuthenticationErrorCode as Code,
  type TokenAuthenticator,
} from './token-authenticator.ts';

export interface TokenReviewOptions {
  client: KubeClient;
  /** The audience the CA accepts (the projected token's `audience`). */
  audience: string;
  timeoutMs?: number;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string };
  audiences?: string[];
  error?: string;
}

const SA_USER = /^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

const fail = (code: (typeof Code)[keyof typeof Code], message: string): AuthenticationResult => ({
  ok: false,
  error: new AuthenticationError(code, message),
});

export class TokenReviewAuthenticator implements TokenAuthenticator {
  readonly name = 'kubernetes-token-review';
  private readonly options: TokenReviewOptions;

  constructor(options: TokenReviewOptions) {
    this.options = options;
  }

  async authenticate(credential: string): Promise<AuthenticationResult> {
    const token = credential.trim();
    if (token === '') return fail(Code.noCredential, 'no service-account token presented');
    let status: TokenReviewStatus;
    try {
      const review = await this.options.client.request<{ status?: TokenReviewStatus }>(
        'POST',
        '/apis/authentication.k8s.io/v1/tokenreviews',
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token, audiences: [this.options.audience] },
          },
          timeoutMs: this.options.timeoutMs ?? 5000,
        },
      );
      status = review.status ?? {};
    } catch (err) {
      const why = err instanceof KubeApiError ? err.message : String(err);
      return fail(Code.unavailable, `token review failed: ${why}`);
    }
    if (status.authenticated !== true)
      return fail(Code.rejected, `token rejected by the API server: ${status.error || 'not authenticated'}`);
    if (!(status.audiences ?? []).includes(this.options.audience))
      return fail(Code.audience, `token is not valid for audience "${this.options.audience}"`);
    const username = status.user?.username ?? '';
    const m = SA_USER.exec(username);
    if (m === null) return fail(Code.notServiceAccount, `"${username}" is not a service account`);
    return { ok: true, identity: { namespace: m[1]!, serviceAccount: m[3]! } };
  }
}
