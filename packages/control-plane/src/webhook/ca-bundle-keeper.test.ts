/** caBundle patching against the FAKE API server (no real one here): patched once, re-patched after a reset. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeApiServer } from '../../test/kube/fake-api-server.ts';
import { defineAll, PATHS } from '../../test/kube/kube-fixtures.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { CaBundleKeeper } from './ca-bundle-keeper.ts';
import { SelfSignedCertificateProvider } from './self-signed-certificate-provider.ts';

let api: FakeApiServer;
let client: KubeClient;
const NAME = 'tandem-sidecar-injector';

const config = () => ({
  metadata: { name: NAME },
  webhooks: ['a', 'b'].map((n) => ({
    name: `${n}.sidecar-injector.tandem.io`,
    clientConfig: { service: { name: 'tandem-control-plane', namespace: 'tandem-system', path: '/inject' } },
  })),
});

function bundles(): (string | undefined)[] {
  const c = api.get(PATHS.webhooks, '', NAME) as unknown as {
    webhooks: { clientConfig: { caBundle?: string } }[];
  };
  return c.webhooks.map((w) => w.clientConfig.caBundle);
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

before(async () => {
  api = await FakeApiServer.start();
  defineAll(api);
  api.upsert(PATHS.webhooks, config());
  client = new KubeClient({ server: api.url });
});

after(async () => {
  client.close();
  await api.close();
});

describe('CaBundleKeeper', () => {
  it('patches every webhook with the serving CA, and again after the configuration is reset', async () => {
    const certs = await SelfSignedCertificateProvider.create({
      dnsNames: ['tandem-control-plane.tandem-system.svc'],
    });
    const keeper = new CaBundleKeeper({ client, name: NAME, certificates: certs });
    const want = Buffer.from(certs.current().caBundlePem).toString('base64');
    const patches = () => api.requests.filter((r) => r.startsWith('PATCH')).length;
    await keeper.start();
    try {
      assert.deepEqual(bundles(), [want, want]);
      assert.equal(patches(), 1);
      api.upsert(PATHS.webhooks, config()); // a helm upgrade resets it
      await eventually(() => bundles()[0] === want);
      assert.deepEqual(bundles(), [want, want]);
    } finally {
      await keeper.stop();
    }
    assert.equal(patches(), 2, 'no patch when already up to date');
  });
});
