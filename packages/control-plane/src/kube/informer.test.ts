/**
 * Informer details against the FAKE API server (there is no real one on these machines): paged
 * lists, a kind whose CRD is not installed, and a watch the server ends after timeoutSeconds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeApiServer } from '../../test/kube/fake-api-server.ts';
import { Informer } from './informer.ts';
import { KubeClient } from './kube-client.ts';
import { inClusterConnection, kubeconfigConnection } from './kube-config.ts';

let api: FakeApiServer;
let client: KubeClient;
const PATH = '/api/v1/configmaps';

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 4000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), what);
}

before(async () => {
  api = await FakeApiServer.start();
  client = new KubeClient({ server: api.url });
});

after(async () => {
  client.close();
  await api.close();
});

describe('Informer', () => {
  it('treats a kind the server does not have as empty, and lists it once it appears', async () => {
    let changes = 0;
    const informer = new Informer({
      client,
      path: PATH,
      kind: 'ConfigMap',
      apiVersion: 'v1',
      notInstalledRetryMs: 50,
      onChange: () => changes++,
    });
    try {
      await informer.start();
      assert.equal(informer.notInstalled, true);
      assert.equal(informer.store.size, 0);
      api.define(PATH, 'ConfigMap', 'v1');
      for (let i = 0; i < 5; i++) api.upsert(PATH, { metadata: { name: `cm-${i}`, namespace: 'a' } });
      await eventually(() => informer.store.size === 5, 'listed after the kind appeared');
      assert.equal(informer.notInstalled, false);
      assert.ok(changes > 0);
      assert.equal(informer.store.get('a/cm-0')?.kind, 'ConfigMap', 'list items get their kind');
    } finally {
      await informer.stop();
    }
  });

  it('pages through large lists with limit/continue', async () => {
    const informer = new Informer({ client, path: PATH, kind: 'ConfigMap', apiVersion: 'v1', pageSize: 2 });
    try {
      await informer.start();
      assert.equal(informer.store.size, 5);
      assert.ok(api.requests.some((r) => r.includes(`${PATH}?limit=2&continue=4`)));
    } finally {
      await informer.stop();
    }
  });

  it('reopens a watch the server ended (timeoutSeconds) from where it was, without listing', async () => {
    const informer = new Informer({
      client,
      path: PATH,
      kind: 'ConfigMap',
      apiVersion: 'v1',
      watchTimeoutSeconds: 0.2,
    });
    try {
      await informer.start();
      await eventually(() => informer.stats.watches >= 3, 'watch reopened');
      api.upsert(PATH, { metadata: { name: 'late', namespace: 'a' } });
      await eventually(() => informer.store.has('a/late'), 'event after reopen');
      assert.equal(informer.stats.lists, 1);
      assert.equal(informer.stats.reconnects, 0);
    } finally {
      await informer.stop();
    }
  });
});

describe('connection config', () => {
  it('reads a kubeconfig context with a client certificate', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeconfig-'));
    writeFileSync(path.join(dir, 'ca.pem'), 'CA');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      JSON.stringify({
        'current-context': 'a',
        contexts: [
          { name: 'a', context: { cluster: 'c', user: 'u' } },
          { name: 'b', context: { cluster: 'c' } },
        ],
        clusters: [
          { name: 'c', cluster: { server: 'https://k8s.example:6443/', 'certificate-authority': 'ca.pem' } },
        ],
        users: [
          { name: 'u', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } },
        ],
      }),
    );
    const c = kubeconfigConnection(file);
    assert.equal(c.server, 'https://k8s.example:6443');
    assert.deepEqual([c.caPem, c.certPem, c.keyPem, c.token], ['CA', 'CERT', 'KEY', undefined]);
    assert.throws(() => kubeconfigConnection(file, 'nope'), /TANDEM_ERR|context "nope" not found/);
  });

  it('reads the in-cluster service account', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-'));
    writeFileSync(path.join(dir, 'token'), 'tok\n');
    writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    const c = inClusterConnection(
      { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    assert.equal(c.server, 'https://10.96.0.1:443');
    assert.equal(c.token?.(), 'tok');
    assert.throws(() => inClusterConnection({}, dir), /not running in a cluster/);
  });
});
