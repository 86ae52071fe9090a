/**
 * Injection against Istio's own injector testdata (`shared/testdata/inject/curated`, read in place):
 * every manifest injects into a result that matches Istio's `.injected` output on the points that
 * matter (proxy present with ports, env and volumes; interception init step with the same capture
 * and exclusions; probes rewritten to the agent; identity; resources), opt-outs and host-network pods
 * are left alone, and injecting an injected manifest (Istio's or ours) changes nothing.
 * Istio's output is one reasonable answer, not the spec, so names and text are not compared.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { InjectError, injectManifest } from '../../src/inject/inject-manifest.ts';
import { defaultInjectSettings, SidecarNames } from '../../src/inject/inject-settings.ts';
import type { Container, PodTemplate } from '../../src/inject/kube-pod.ts';
import {
  allContainers,
  envFieldPath,
  envValue,
  findContainer,
  istioInterception,
  podTemplateOf,
  resourcesOf,
  tandemInterception,
} from './istio-structure.ts';

const CURATED = path.resolve(import.meta.dirname, '../../../../../shared/testdata/inject/curated');
const settings = defaultInjectSettings({ nativeSidecar: true });

function docs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

const cases = readdirSync(CURATED)
  .filter((f) => f.endsWith('.yaml') && readdirSync(CURATED).includes(`${f}.injected`))
  .sort();

function statusPort(t: PodTemplate): number[] {
  const p = t.metadata?.annotations?.['status.sidecar.istio.io/port'];
  return p === undefined ? [] : [Number(p)];
}

function probeSummary(c: Container) {
  const out: Record<string, unknown> = {};
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const p = c[k];
    if (p === undefined) continue;
    out[k] = p.httpGet ? { path: p.httpGet.path, port: p.httpGet.port } : Object.keys(p).sort();
  }
  return out;
}

function proberPorts(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  const all = JSON.parse(json) as Record<string, { httpGet?: { port: number } }>;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith('/app-health/'))
      .map(([k, v]) => [k, v.httpGet?.port]),
  );
}

describe('injection matches Istio on the curated manifests', () => {
  assert.ok(cases.length >= 12, `curated cases found: ${cases.length}`);
  for (const file of cases) {
    it(file, () => {
      const inputs = docs(path.join(CURATED, file));
      const expected = docs(path.join(CURATED, `${file}.injected`));
      assert.equal(inputs.length, expected.length);
      inputs.forEach((input, i) => {
        const istio = podTemplateOf(expected[i]!);
        const r = injectManifest(input, settings);
        const istioProxy = findContainer(istio, ['istio-proxy']);
        if (istioProxy === undefined) {
          assert.equal(r.outcome, 'skipped', r.reason);
          assert.deepEqual(r.object, input, 'a skipped manifest is returned unchanged');
          return;
        }
        assert.equal(r.outcome, 'injected', r.reason);
        const ours = podTemplateOf(r.object as Record<string, unknown>);
        const input0 = podTemplateOf(input);
        compareSidecar(ours, istio, istioProxy);
        compareInterception(ours, istio);
        compareApps(ours, istio, input0);
      });
    });
  }
});

function compareSidecar(ours: PodTemplate, istio: PodTemplate, istioProxy: Container): void {
  const proxy = findContainer(ours, [SidecarNames.proxy]);
  assert.ok(proxy, 'proxy container present');
  // Native sidecar where Istio made one.
  assert.equal(proxy.restartPolicy, istioProxy.restartPolicy);
  assert.ok(ours.spec.initContainers?.includes(proxy) === (istioProxy.restartPolicy === 'Always'));
  assert.ok((proxy.ports ?? []).length > 0, 'proxy declares its ports');
  assert.ok(proxy.readinessProbe?.httpGet && proxy.startupProbe?.httpGet, 'readiness and startup probes');
  for (const [env, fieldPath] of [
    ['POD_NAME', 'metadata.name'],
    ['POD_NAMESPACE', 'metadata.namespace'],
    ['INSTANCE_IP', 'status.podIP'],
    ['SERVICE_ACCOUNT', 'spec.serviceAccountName'],
  ])
    assert.equal(envFieldPath(proxy, env!), fieldPath, env);
  assert.equal(
    envValue(proxy, 'TANDEM_META_WORKLOAD_NAME'),
    envValue(istioProxy, 'ISTIO_META_WORKLOAD_NAME'),
  );
  assert.equal(envValue(proxy, 'TANDEM_META_OWNER'), envValue(istioProxy, 'ISTIO_META_OWNER'));
  assert.equal(
    envValue(proxy, 'TANDEM_META_APP_CONTAINERS'),
    envValue(istioProxy, 'ISTIO_META_APP_CONTAINERS'),
  );
  assert.equal(envValue(proxy, 'TANDEM_META_INTERCEPTION_MODE'), 'REDIRECT');
  for (const e of istioProxy.env ?? [])
    if (['FOO', 'ISTIO_META_TLS_CLIENT_KEY'].includes(e.name)) assert.equal(envValue(proxy, e.name), e.value);
  assert.deepEqual(resourcesOf(proxy), resourcesOf(istioProxy), 'proxy resources');
  const sc = proxy.securityContext as Record<string, unknown>;
  assert.equal(sc.runAsUser, (istioProxy.securityContext as Record<string, unknown>).runAsUser);
  assert.equal(sc.runAsNonRoot, true);
  // Every mount has its volume; the token is projected with the CA audience.
  const volumes = new Map((ours.spec.volumes ?? []).map((v) => [v.name as string, v]));
  for (const m of proxy.volumeMounts as { name: string }[]) assert.ok(volumes.has(m.name), m.name);
  const token = volumes.get(SidecarNames.volumes.token) as {
    projected: { sources: { serviceAccountToken: { audience: string } }[] };
  };
  assert.equal(token.projected.sources[0]!.serviceAccountToken.audience, 'tandem-ca');
  // Istio's volumes the pod had before injection are still there.
  const istioVolumes = (istio.spec.volumes ?? [])
    .map((v) => v.name as string)
    .filter((n) => !/^istio|^workload|^credential/.test(n));
  for (const n of istioVolumes) assert.ok(volumes.has(n), `volume ${n} kept`);
  const ann = ours.metadata?.annotations ?? {};
  assert.equal(ann['prometheus.io/scrape'], 'true');
  assert.equal(ann['prometheus.io/port'], '15020');
  assert.ok(ann[SidecarNames.statusAnnotation]);
}

function compareInterception(ours: PodTemplate, istio: PodTemplate): void {
  const istioInit = findContainer(istio, ['istio-init']);
  const init = findContainer(ours, [SidecarNames.init]);
  assert.equal(init !== undefined, istioInit !== undefined, 'init step present exactly when Istio adds one');
  if (init === undefined || istioInit === undefined) return;
  assert.equal(init.args?.[0], 'iptables');
  const own = [15020, 15021, 15090, ...statusPort(istio)];
  assert.deepEqual(tandemInterception(init, own), istioInterception(istioInit, own));
  const caps = (init.securityContext as { capabilities: { add: string[] } }).capabilities.add;
  assert.deepEqual([...caps].sort(), ['NET_ADMIN', 'NET_RAW']);
  // The init step runs before the proxy and the user's init containers keep their order after it.
  const names = (ours.spec.initContainers ?? []).map((c) => c.name);
  const istioNames = (istio.spec.initContainers ?? []).map((c) =>
    c.name.replace('istio-init', SidecarNames.init).replace('istio-proxy', SidecarNames.proxy),
  );
  assert.deepEqual(names, istioNames);
}

function compareApps(ours: PodTemplate, istio: PodTemplate, input: PodTemplate): void {
  const apps = ours.spec.containers.filter((c) => c.name !== SidecarNames.proxy);
  assert.deepEqual(
    apps.map((c) => [c.name, c.image]),
    input.spec.containers.map((c) => [c.name, c.image]),
  );
  for (const c of apps) {
    const theirs = istio.spec.containers.find((x) => x.name === c.name)!;
    assert.deepEqual(probeSummary(c), probeSummary(theirs), `probes of ${c.name}`);
  }
  const proxy = findContainer(ours, [SidecarNames.proxy]);
  const istioProxy = findContainer(istio, ['istio-proxy']);
  assert.deepEqual(
    proberPorts(envValue(proxy, 'TANDEM_APP_PROBERS')),
    proberPorts(envValue(istioProxy, 'ISTIO_KUBE_APP_PROBERS')),
    'original probes handed to the agent',
  );
  assert.equal(allContainers(ours).filter((c) => c.name === SidecarNames.proxy).length, 1);
}

describe('injection is idempotent', () => {
  for (const file of cases) {
    it(`${file}: Istio's injected output and ours are left unchanged`, () => {
      for (const doc of docs(path.join(CURATED, `${file}.injected`))) {
        const r = injectManifest(doc, settings);
        assert.notEqual(r.outcome, 'injected');
        assert.deepEqual(r.object, doc);
      }
      for (const doc of docs(path.join(CURATED, file))) {
        const once = injectManifest(doc, settings).object;
        const twice = injectManifest(once, settings);
        assert.notEqual(twice.outcome, 'injected');
        assert.deepEqual(twice.object, once);
      }
    });
  }
});

describe('invalid annotations are refused with the annotation named', () => {
  for (const [file, name] of [
    ['traffic-annotations-bad-excludeinboundports.yaml', 'traffic.sidecar.istio.io/excludeInboundPorts'],
    ['traffic-annotations-bad-includeipranges.yaml', 'traffic.sidecar.istio.io/includeOutboundIPRanges'],
  ] as const) {
    it(file, () => {
      const [doc] = docs(path.join(CURATED, file));
      assert.throws(
        () => injectManifest(doc, settings),
        (err: unknown) =>
          err instanceof InjectError &&
          err.code === 'TANDEM_ERR_INJECT_ANNOTATION' &&
          err.message.startsWith('Deployment traffic: annotation ') &&
          err.message.includes(name),
      );
    });
  }
});
