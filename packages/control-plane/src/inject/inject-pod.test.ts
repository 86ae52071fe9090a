import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { injectPod } from './inject-pod.ts';
import { defaultInjectSettings, SidecarNames, supportsNativeSidecar } from './inject-settings.ts';
import { decideInjection } from './injection-policy.ts';
import type { Pod } from './kube-pod.ts';

function pod(extra: Partial<Pod['metadata']> = {}, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'web-7d9f-', namespace: 'shop', ...extra },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'web:1',
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTPS' }, periodSeconds: 3 },
          livenessProbe: { exec: { command: ['true'] } },
        },
      ],
      initContainers: [{ name: 'migrate', image: 'tool:1' }],
      ...spec,
    },
  };
}

describe('injectPod', () => {
  it('classic mode: the proxy is the first container and holds the app with a postStart hook', () => {
    const r = injectPod(pod(), defaultInjectSettings({ nativeSidecar: false }));
    assert.ok(r.injected);
    const names = r.pod.spec.containers.map((c) => c.name);
    assert.deepEqual(names, [SidecarNames.proxy, 'web']);
    const proxy = r.pod.spec.containers[0]!;
    assert.equal(proxy.restartPolicy, undefined);
    assert.deepEqual(
      (proxy.lifecycle as { postStart: { exec: { command: string[] } } }).postStart.exec.command.slice(0, 2),
      ['tandem', 'sidecar-wait'],
    );
    // The user's init containers run before interception is set up.
    assert.deepEqual(
      r.pod.spec.initContainers!.map((c) => c.name),
      ['migrate', SidecarNames.init],
    );
  });

  it('classic mode without hold: the proxy goes last and has no hook', () => {
    const p = pod({ annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: false' } });
    const r = injectPod(p, defaultInjectSettings({ nativeSidecar: false }));
    assert.deepEqual(
      r.pod.spec.containers.map((c) => c.name),
      ['web', SidecarNames.proxy],
    );
    assert.equal(r.pod.spec.containers[1]!.lifecycle, undefined);
  });

  it('native mode without hold: no startup probe, so the kubelet does not wait for the proxy', () => {
    const p = pod({ annotations: { 'sidecar.tandem.io/holdApplicationUntilProxyStarts': 'false' } });
    const proxy = injectPod(p, defaultInjectSettings()).pod.spec.initContainers![1]!;
    assert.equal(proxy.name, SidecarNames.proxy);
    assert.equal(proxy.startupProbe, undefined);
  });

  it('rewrites HTTP probes to the agent and hands the agent the original, named port resolved', () => {
    const r = injectPod(pod(), defaultInjectSettings());
    const web = r.pod.spec.containers[0]!;
    assert.deepEqual(web.readinessProbe, {
      httpGet: { path: '/app-health/web/readyz', port: 15020 },
      periodSeconds: 3,
    });
    assert.deepEqual(web.livenessProbe, { exec: { command: ['true'] } });
    const proxy = r.pod.spec.initContainers!.find((c) => c.name === SidecarNames.proxy)!;
    const probers = JSON.parse(proxy.env!.find((e) => e.name === 'TANDEM_APP_PROBERS')!.value!);
    assert.deepEqual(probers, {
      '/app-health/web/readyz': { httpGet: { path: '/ready', port: 8080, scheme: 'HTTPS' } },
    });
  });

  it('leaves probes alone when the pod opts out of probe rewriting', () => {
    const p = pod({ annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' } });
    const web = injectPod(p, defaultInjectSettings()).pod.spec.containers[0]!;
    assert.equal(web.readinessProbe?.httpGet?.port, 'http');
  });

  it('interception NONE: no init step', () => {
    const p = pod({ annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } });
    const inits = injectPod(p, defaultInjectSettings()).pod.spec.initContainers!.map((c) => c.name);
    assert.deepEqual(inits, [SidecarNames.proxy, 'migrate']);
  });

  it('does not modify its input, and names the Deployment behind a ReplicaSet as the workload', () => {
    const p = pod({
      labels: { app: 'web', 'pod-template-hash': '7d9f' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', controller: true }],
    });
    const before = structuredClone(p);
    const r = injectPod(p, defaultInjectSettings());
    assert.deepEqual(p, before);
    const proxy = r.pod.spec.initContainers!.find((c) => c.name === SidecarNames.proxy)!;
    const env = (n: string) => proxy.env!.find((e) => e.name === n)?.value;
    assert.equal(env('TANDEM_META_WORKLOAD_NAME'), 'web');
    assert.equal(env('TANDEM_META_OWNER'), 'kubernetes://apis/apps/v1/namespaces/shop/deployments/web');
    assert.equal(r.pod.metadata!.labels!['service.istio.io/canonical-name'], 'web');
  });

  it('keeps the pod settings for resources the pod names, and rejects bad quantities', () => {
    const p = pod({
      annotations: { 'sidecar.istio.io/proxyMemory': '256Mi', 'sidecar.istio.io/proxyMemoryLimit': '512Mi' },
    });
    const proxy = injectPod(p, defaultInjectSettings()).pod.spec.initContainers![1]!;
    assert.deepEqual(proxy.resources, { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } });
    assert.throws(
      () => injectPod(pod({ annotations: { 'sidecar.istio.io/proxyCPU': 'lots' } }), defaultInjectSettings()),
      /annotation sidecar.istio.io\/proxyCPU: "lots" is not a Kubernetes resource quantity/,
    );
  });
});

describe('decideInjection', () => {
  const table: [Record<string, string> | undefined, Record<string, string>, boolean][] = [
    [{ 'istio-injection': 'enabled' }, {}, true],
    [{ 'tandem-injection': 'enabled' }, {}, true],
    [{ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, false],
    [{ 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' }, false],
    [{}, { 'sidecar.istio.io/inject': 'true' }, true],
    [{}, {}, false],
    [undefined, {}, true],
    [undefined, { 'sidecar.istio.io/inject': 'false' }, false],
  ];
  for (const [ns, labels, want] of table) {
    it(`namespace ${JSON.stringify(ns)} pod ${JSON.stringify(labels)} -> ${want}`, () => {
      assert.equal(decideInjection(pod({ labels }), ns, false).inject, want);
    });
  }

  it('never injects host-network pods', () => {
    const d = decideInjection(pod({}, { hostNetwork: true }), { 'istio-injection': 'enabled' }, true);
    assert.deepEqual(d, { inject: false, reason: 'pod uses the host network' });
  });
});

describe('supportsNativeSidecar', () => {
  it('from 1.28 on', () => {
    assert.equal(supportsNativeSidecar('v1.27.9'), false);
    assert.equal(supportsNativeSidecar('v1.28.3-eks-1'), true);
    assert.equal(supportsNativeSidecar({ major: '1', minor: '30+' }), true);
    assert.equal(supportsNativeSidecar({ major: '1', minor: '26' }), false);
    assert.equal(supportsNativeSidecar('garbage'), false);
  });
});
