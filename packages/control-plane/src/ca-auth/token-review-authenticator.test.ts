/**
 * TokenReview authentication against the FAKE API server (no real API server on these machines; the
 * fake implements TokenReview with audience intersection as the real one does).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeApiServer } from '../../test/kube/fake-api-server.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { bearerToken, spiffeIdOf } from './token-authenticator.ts';
import { TokenReviewAuthenticator } from './token-review-authenticator.ts';

let api: FakeApiServer;
let client: KubeClient;
let authn: TokenReviewAuthenticator;

before(async () => {
  api = await FakeApiServer.start();
  api.tokens.set('good', { username: 'system:serviceaccount:shop:web', audiences: ['tandem-ca'] });
  api.tokens.set('api-token', {
    username: 'system:serviceaccount:shop:web',
    audiences: ['https://kubernetes.default.svc'],
  });
  api.tokens.set('user', { username: 'alice', audiences: ['tandem-ca'] });
  client = new KubeClient({ server: api.url });
  authn = new TokenReviewAuthenticator({ client, audience: 'tandem-ca' });
});

after(async () => {
  client.close();
  await api.close();
});

describe('TokenReviewAuthenticator', () => {
  it('returns the service account of a valid token with the CA audience', async () => {
    const r = await authn.authenticate('good');
    assert.deepEqual(r, { ok: true, identity: { namespace: 'shop', serviceAccount: 'web' } });
    assert.equal(
      spiffeIdOf({ namespace: 'shop', serviceAccount: 'web' }, 'cluster.local'),
      'spiffe://cluster.local/ns/shop/sa/web',
    );
    assert.ok(api.requests.includes('POST /apis/authentication.k8s.io/v1/tokenreviews'));
  });

  it('refuses a token the review does not authenticate', async () => {
    const r = await authn.authenticate('forged');
    assert.ok(!r.ok && r.error.code === 'TANDEM_ERR_AUTHN_TOKEN_REJECTED', JSON.stringify(r));
  });

  it('refuses a token minted for another audience', async () => {
    const r = await authn.authenticate('api-token');
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'TANDEM_ERR_AUTHN_TOKEN_REJECTED');
    // An audience-unaware review that authenticates but names no audience is refused too.
    const unaware = new TokenReviewAuthenticator({ client, audience: 'other-ca' });
    api.tokens.set('loose', {
      username: 'system:serviceaccount:shop:web',
      audiences: [],
      audienceUnaware: true,
    });
    const r2 = await unaware.authenticate('loose');
    assert.ok(!r2.ok && r2.error.code === 'TANDEM_ERR_AUTHN_AUDIENCE', JSON.stringify(r2));
  });

  it('refuses users that are not service accounts, and empty credentials', async () => {
    const r = await authn.authenticate('user');
    assert.ok(!r.ok && r.error.code === 'TANDEM_ERR_AUTHN_NOT_SERVICE_ACCOUNT');
    const e = await authn.authenticate('  ');
    assert.ok(!e.ok && e.error.code === 'TANDEM_ERR_AUTHN_NO_CREDENTIAL');
  });

  it('reports an unreachable API server as unavailable, not as a refusal of the caller', async () => {
    api.failNext = 1;
    const r = await authn.authenticate('good');
    assert.ok(!r.ok && r.error.code === 'TANDEM_ERR_AUTHN_UNAVAILABLE');
  });

  it('reads bearer tokens from authorization headers', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('Basic abc'), '');
    assert.equal(bearerToken(undefined), '');
  });
});
