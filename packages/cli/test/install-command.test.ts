/**
 * The Helm chart and the plain manifests, checked as far as this machine allows (no Helm, no API
 * server here): `tandem install --dry-run` renders the chart with Tandem's template renderer; the
 * committed deploy/manifests/tandem.yaml is exactly that output; the objects have the structure a
 * cluster needs (least-privilege RBAC, webhook wiring and policy, CRDs named as Istio's, images and
 * resources from values, non-root); the control plane's arguments are ones the CLI accepts; and,
 * when kubectl is installed, `kubectl kustomize` (offline) parses the manifests as a second reader.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { IstioResources, readInjectSettings } from '@tandem/control-plane';
import { parse, parseAllDocuments } from 'yaml';
import { run } from '../../proxy/test/helpers/exec.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'packages/cli/bin/tandem.js');
const MANIFESTS = path.join(ROOT, 'deploy/manifests/tandem.yaml');

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form JSON in these assertions
type Obj = Record<string, any>;
const install = (...args: string[]) => run(process.execPath, [BIN, 'install', ...args], { timeoutMs: 60000 });
const docs = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJSON() as Obj | null)
    .filter((d): d is Obj => d !== null);
const byKind = (all: Obj[], kind: string) => all.filter((d) => d.kind === kind);

describe('tandem install --dry-run', async () => {
  const r = await install('--dry-run');
  const all = docs(r.stdout);

  it('renders, and deploy/manifests/tandem.yaml is its output (regenerate: tandem install --dry-run > deploy/manifests/tandem.yaml)', () => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(MANIFESTS, 'utf8'), r.stdout);
    assert.deepEqual(
      [...new Set(all.map((d) => d.kind))],
      [
        'Namespace',
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Service',
        'Deployment',
        'MutatingWebhookConfiguration',
      ],
    );
  });

  it('grants least privilege: reads, TokenReview create, and patch of its own webhook only', () => {
    const [role] = byKind(all, 'ClusterRole');
    for (const rule of role!.rules as Obj[]) {
      assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*'), JSON.stringify(rule));
      assert.ok(!rule.resources.includes('secrets'), 'no secrets');
      const writes = rule.verbs.filter((v: string) => !['get', 'list', 'watch'].includes(v));
      if (writes.length === 0) continue;
      if (rule.resources.includes('tokenreviews')) assert.deepEqual(writes, ['create']);
      else {
        assert.deepEqual(rule.resources, ['mutatingwebhookconfigurations']);
        assert.deepEqual(rule.resourceNames, ['tandem-sidecar-injector']);
        assert.deepEqual(writes, ['patch']);
      }
    }
    for (const r of [
      ...IstioResources,
      { path: '/api/v1/services' },
      { path: '/api/v1/pods' },
      { path: '/api/v1/namespaces' },
    ]) {
      const plural = r.path.split('/').pop();
      assert.ok(
        (role!.rules as Obj[]).some(
          (rule) => rule.resources.includes(plural) && rule.verbs.includes('watch'),
        ),
        plural,
      );
    }
    const [binding] = byKind(all, 'ClusterRoleBinding');
    assert.deepEqual(binding!.subjects, [
      { kind: 'ServiceAccount', name: 'tandem-control-plane', namespace: 'tandem-system' },
    ]);
  });

  it('wires the webhook to the control plane service, with a bounded failure policy', () => {
    const [hook] = byKind(all, 'MutatingWebhookConfiguration');
    const [svc] = byKind(all, 'Service');
    const [deploy] = byKind(all, 'Deployment');
    const container = deploy!.spec.template.spec.containers[0];
    const webhookPort = (svc!.spec.ports as Obj[]).find((p) => p.port === 443)!;
    assert.ok((container.ports as Obj[]).some((p) => p.containerPort === webhookPort.targetPort));
    assert.ok(container.args.includes(`--webhook-address=0.0.0.0:${webhookPort.targetPort}`));
    assert.equal(hook!.metadata.name, 'tandem-sidecar-injector');
    assert.equal(hook!.webhooks.length, 4);
    for (const w of hook!.webhooks as Obj[]) {
      assert.deepEqual(w.clientConfig.service, {
        name: svc!.metadata.name,
        namespace: 'tandem-system',
        path: '/inject',
        port: 443,
      });
      assert.equal(w.clientConfig.caBundle, undefined, 'patched at run time by the control plane');
      assert.equal(w.failurePolicy, 'Fail');
      assert.ok(w.timeoutSeconds >= 1 && w.timeoutSeconds <= 10);
      assert.equal(w.sideEffects, 'None');
      assert.deepEqual(w.rules, [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
      ]);
      const excluded = (w.namespaceSelector.matchExpressions as Obj[]).find(
        (e) => e.key === 'kubernetes.io/metadata.name',
      );
      assert.ok(excluded?.values.includes('kube-system') && excluded?.values.includes('tandem-system'));
    }
    assert.equal(deploy!.spec.template.metadata.labels['sidecar.istio.io/inject'], 'false');
  });

  it('runs the control plane non-root with arguments the CLI accepts and settings it can read', async () => {
    const [deploy] = byKind(all, 'Deployment');
    const spec = deploy!.spec.template.spec;
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.equal(spec.containers[0].image, 'ghcr.io/tandem-mesh/control-plane:0.1.0');
    const help = await run(process.execPath, [BIN, 'control-plane', '--help'], { timeoutMs: 60000 });
    for (const arg of spec.containers[0].args.slice(1) as string[])
      assert.ok(help.stdout.includes(arg.split('=')[0]!), arg);
    const [cm] = byKind(all, 'ConfigMap');
    const settings = readInjectSettings(parse(cm!.data['injection.yaml']), 'injection.yaml');
    assert.equal(settings.proxyImage, 'ghcr.io/tandem-mesh/proxy:0.1.0');
    assert.equal(settings.controlPlaneAddress, 'tandem-control-plane.tandem-system.svc:15010');
    assert.equal(settings.caAudience, 'tandem-ca');
    assert.deepEqual(settings.resources, {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    const mount = spec.containers[0].volumeMounts[0];
    assert.ok(spec.containers[0].args.includes(`--injection-config=${mount.mountPath}/injection.yaml`));
  });

  it("has a CRD, named as Istio's, for every Istio kind Tandem watches", () => {
    const crds = byKind(all, 'CustomResourceDefinition');
    assert.equal(crds.length, IstioResources.length);
    for (const r of IstioResources) {
      const [, , group, version, plural] = r.path.split('/');
      const crd = crds.find((c) => c.metadata.name === `${plural}.${group}`);
      assert.ok(crd, `${plural}.${group}`);
      assert.equal(crd.spec.names.kind, r.kind);
      const versions = crd.spec.versions as Obj[];
      assert.equal(versions.filter((v) => v.storage).length, 1);
      assert.ok(versions.some((v) => v.name === version && v.served));
    }
  });

  it('takes values: --skip-crds, --set, -f', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-values-'));
    writeFileSync(path.join(dir, 'v.yaml'), 'global:\n  hub: registry.example/mesh\n  tag: "9.9"\n');
    const r2 = await install(
      '--dry-run',
      '--skip-crds',
      '--set',
      'webhook.failurePolicy=Ignore',
      '-f',
      path.join(dir, 'v.yaml'),
      '-n',
      'mesh',
    );
    assert.equal(r2.code, 0, r2.stderr);
    const d = docs(r2.stdout);
    assert.equal(byKind(d, 'CustomResourceDefinition').length, 0);
    assert.ok(
      (byKind(d, 'MutatingWebhookConfiguration')[0]!.webhooks as Obj[]).every(
        (w) => w.failurePolicy === 'Ignore',
      ),
    );
    assert.equal(
      byKind(d, 'Deployment')[0]!.spec.template.spec.containers[0].image,
      'registry.example/mesh/control-plane:9.9',
    );
    assert.equal(byKind(d, 'Namespace')[0]!.metadata.name, 'mesh');
  });

  it('exits 2 without --dry-run and 1 for a chart that does not render', async () => {
    assert.equal((await install()).code, 2);
    const r3 = await install('--dry-run', '--set', 'webhook=null');
    assert.equal(r3.code, 1);
    assert.match(
      r3.stderr,
      /templates\/configmap\.yaml: .*\.Values\.webhook\.injectByDefault is not set \[TANDEM_ERR_CHART_TEMPLATE\]/,
    );
  });

  it('parses with kubectl kustomize (offline), when kubectl is installed', {
    skip: !existsSync('/usr/bin/kubectl') && 'kubectl not installed',
  }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-kustomize-'));
    copyFileSync(MANIFESTS, path.join(dir, 'tandem.yaml'));
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - tandem.yaml\n');
    const k = await run('kubectl', ['kustomize', dir], { timeoutMs: 60000 });
    assert.equal(k.code, 0, k.stderr);
    assert.equal(docs(k.stdout).length, all.length);
  });
});
