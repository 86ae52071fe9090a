/**
 * `tandem control-plane --kubeconfig ... --webhook-address ...` as a process, against the FAKE API
 * server of the control-plane tests (there is no Kubernetes API server on these machines): it lists
 * and watches the cluster, serves the services it found, serves the injection webhook over HTTPS and
 * patches the webhook configuration's caBundle with the certificate it serves. With `--ca-dir` it runs
 * the CA and checks callers by TokenReview: `tandem sidecar`, configured by the environment the injector
 * writes, gets its SPIFFE certificate with a projected service-account token the fake API server knows.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeApiServer } from '../../control-plane/test/kube/fake-api-server.ts';
import {
  defineAll,
  PATHS,
  reviewsPod,
  reviewsService,
  reviewsSlice,
} from '../../control-plane/test/kube/kube-fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/tandem.js');
let api: FakeApiServer;
let child: ChildProcess;
let stderr = '';
let dir: string;

function waitFor(pattern: RegExp, timeoutMs = 45000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${stderr}`)), timeoutMs);
    const check = () => {
      const m = stderr.match(pattern);
      if (m) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        resolve(m);
      }
    };
    child.stderr?.on('data', check);
    check();
  });
}

before(async () => {
  api = await FakeApiServer.start();
  defineAll(api);
  api.upsert(PATHS.namespaces, { metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } });
  api.upsert(PATHS.services, reviewsService());
  api.upsert(PATHS.pods, reviewsPod('reviews-a', '10.0.0.1', 'v1'));
  api.upsert(PATHS.slices, reviewsSlice([{ ip: '10.0.0.1', pod: 'reviews-a' }]));
  api.upsert(PATHS.webhooks, {
    metadata: { name: 'tandem-sidecar-injector' },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.tandem.io',
        clientConfig: { service: { name: 'x', namespace: 'y' } },
      },
    ],
  });
  dir = mkdtempSync(path.join(tmpdir(), 'tandem-kubeconfig-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster:\n    server: ${api.url}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: me\nusers:\n- name: me\n  user:\n    token: t0ken\n`,
  );
  child = spawn(
    process.execPath,
    [
      BIN,
      'control-plane',
      '--kubeconfig',
      kubeconfig,
      '--xds-address',
      '127.0.0.1:0',
      '--debug-address',
      '127.0.0.1:0',
      '--webhook-address',
      '127.0.0.1:0',
      '--webhook-dns-names',
      'tandem-control-plane.tandem-system.svc,localhost',
      '--ca-dir',
      path.join(dir, 'ca'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr += d));
});

after(async () => {
  child?.kill('SIGTERM');
  await new Promise((r) => child?.once('exit', r));
  await api?.close();
});

describe('tandem control-plane --kubeconfig', () => {
  it('reads the cluster, serves the webhook and patches its caBundle', async () => {
    await waitFor(/kubernetes v1\.29\.2 at http:\/\/127\.0\.0\.1:\d+/);
    const [, port] = await waitFor(/injection webhook on 127\.0\.0\.1:(\d+) \(HTTPS\)/);
    await waitFor(/1 services/);
    await waitFor(/caBundle of tandem-sidecar-injector patched \(1 webhooks\)/);
    // With --ca-dir the serving certificate comes from the mesh CA: the caBundle becomes the mesh root.
    await waitFor(/injection webhook certificate signed by the mesh CA/);
    const root = readFileSync(path.join(dir, 'ca', 'root-cert.pem'), 'utf8');
    const patched = () => {
      const config = api.get(PATHS.webhooks, '', 'tandem-sidecar-injector') as unknown as {
        webhooks: { clientConfig: { caBundle?: string } }[];
      };
      return Buffer.from(config.webhooks[0]!.clientConfig.caBundle ?? '', 'base64').toString('utf8');
    };
    const deadline = Date.now() + 20_000;
    while (patched().trim() !== root.trim()) {
      if (Date.now() > deadline) throw new Error(`caBundle is not the mesh root:\n${patched()}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ca = patched();
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        namespace: 'default',
        operation: 'CREATE',
        object: { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'a' }] } },
      },
    };
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: 'localhost',
          port: Number(port),
          path: '/inject',
          method: 'POST',
          ca,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(review));
    });
    const response = JSON.parse(reply).response;
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, 'JSONPatch', 'namespace labelled istio-injection=enabled: injected');
    assert.ok(api.requests.some((r) => r.startsWith('GET /api/v1/services?watch=true')));
  });

  it('signs for an injected sidecar whose projected token passes TokenReview, and only for that identity', async () => {
    const [, xds] = await waitFor(/xds on 127\.0\.0\.1:(\d+)/);
    api.tokens.set('projected-reviews', {
      username: 'system:serviceaccount:default:bookinfo-reviews',
      audiences: ['tandem-ca'],
    });
    const podInfo = mkdtempSync(path.join(tmpdir(), 'tandem-podinfo-'));
    writeFileSync(path.join(podInfo, 'labels'), 'app="reviews"\nversion="v1"\n');
    const sidecar = (token: string) => {
      const tokenFile = path.join(podInfo, `token-${token}`);
      writeFileSync(tokenFile, `${token}\n`);
      const proc = spawn(process.execPath, [BIN, 'sidecar'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          POD_NAME: 'reviews-a',
          POD_NAMESPACE: 'default',
          INSTANCE_IP: '127.0.0.1',
          SERVICE_ACCOUNT: 'bookinfo-reviews',
          TANDEM_CONTROL_PLANE: `127.0.0.1:${xds}`,
          TANDEM_CA_ADDR: `127.0.0.1:${xds}`,
          TANDEM_TOKEN_FILE: tokenFile,
          TANDEM_META_INTERCEPTION_MODE: 'NONE',
          TANDEM_POD_INFO_DIR: podInfo,
          TANDEM_ADMIN_PORT: '0',
          TANDEM_AGENT_PORT: '0',
          TANDEM_HEALTH_PORT: '0',
          TANDEM_AGENT_HOST: '127.0.0.1',
        },
      });
      let out = '';
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (d: string) => (out += d));
      const until = async (pattern: RegExp) => {
        const deadline = Date.now() + 45_000;
        while (!pattern.test(out)) {
          if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const stop = async () => {
        if (proc.exitCode === null) {
          proc.kill('SIGKILL');
          await new Promise((r) => proc.once('exit', r));
        }
      };
      return { until, stop };
    };
    const good = sidecar('projected-reviews');
    try {
      await good.until(
        /certificate [0-9A-F]+ for URI:spiffe:\/\/cluster\.local\/ns\/default\/sa\/bookinfo-reviews/,
      );
    } finally {
      await good.stop();
    }
    assert.ok(api.requests.some((r) => r.startsWith('POST /apis/authentication.k8s.io/v1/tokenreviews')));
    const forged = sidecar('not-a-token');
    try {
      await waitFor(/ca: refused .*kubernetes-token-review/);
    } finally {
      await forged.stop();
    }
  });
});
