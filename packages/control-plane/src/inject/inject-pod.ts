/**
 * Sidecar injection as a pure function: a pod (or pod template) and settings in, the injected pod out.
 * The input is never modified. Used by the admission webhook (which turns the difference into a JSON
 * patch) and by `tandem kube-inject` (which injects manifests offline). Injecting an injected pod
 * changes nothing.
 *
 * @example
 * const r = injectPod(pod, defaultInjectSettings({ nativeSidecar: true }));
 * if (r.injected) submit(r.pod); else console.log(r.reason);
 */
import { buildInitContainer } from './build-init-container.ts';
import { buildProxyContainer } from './build-proxy-container.ts';
import { InjectError, InjectErrorCode } from './inject-error.ts';
import { type InjectSettings, SidecarNames, SidecarPorts, TANDEM_IMAGE_VERSION } from './inject-settings.ts';
import { decideInjection } from './injection-policy.ts';
import type { Container, ObjectMeta, Pod } from './kube-pod.ts';
import { type PodOverrides, readPodOverrides } from './pod-overrides.ts';
import { type AppProber, rewriteAppProbes } from './rewrite-probes.ts';
import { type WorkloadRef, workloadIdentity } from './workload-identity.ts';

export interface InjectContext {
  /** Labels of the pod's namespace; undefined when not known (then only the pod can opt out). */
  namespaceLabels?: Record<string, string>;
  /** The pod's namespace when its metadata names none (admission requests carry it separately). */
  namespace?: string;
  /** The workload the pod template belongs to (kube-inject knows it; the webhook reads owner refs). */
  workload?: WorkloadRef;
}

export type InjectResult =
  | { injected: true; pod: Pod; reason: string }
  | { injected: false; pod: Pod; reason: string };

export function injectPod(pod: Pod, settings: InjectSettings, context: InjectContext = {}): InjectResult {
  if (pod === null || typeof pod !== 'object' || !Array.isArray(pod.spec?.containers))
    throw new InjectError(InjectErrorCode.notAPod, 'object has no spec.containers: not a pod');
  const decision = decideInjection(pod, context.namespaceLabels, settings.injectByDefault);
  if (!decision.inject) return { injected: false, pod, reason: decision.reason };
  const overrides = readPodOverrides(pod.metadata?.annotations, settings);
  const out = structuredClone(pod);
  const meta: ObjectMeta = (out.metadata ??= {});
  const namespace = meta.namespace ?? context.namespace ?? 'default';
  const apps = out.spec.containers;
  const probers: Record<string, AppProber> = overrides.rewriteAppProbes ? rewriteAppProbes(apps) : {};
  const native = settings.nativeSidecar;
  const workload = workloadIdentity(meta, namespace, context.workload);
  const proxy = buildProxyContainer({ settings, overrides, native, appContainers: apps, workload, probers });
  const intercept = overrides.interceptionMode !== 'NONE';
  const init = intercept ? [buildInitContainer(overrides, settings.proxyUid, settings.imagePullPolicy)] : [];
  const userInits = out.spec.initContainers ?? [];
  if (native) {
    // Interception first, then the proxy, then the user's init containers (which so reach the mesh).
    out.spec.initContainers = [...init, proxy, ...userInits];
  } else {
    // Classic: the user's init containers run before interception, with the network as they knew it.
    out.spec.initContainers = [...userInits, ...init];
    out.spec.containers = overrides.holdApplicationUntilProxyStarts ? [proxy, ...apps] : [...apps, proxy];
  }
  if (out.spec.initContainers.length === 0) delete out.spec.initContainers;
  out.spec.volumes = [...(out.spec.volumes ?? []), ...sidecarVolumes(settings)];
  annotate(meta, settings, overrides, { apps, init, proxy, native }, workload.name);
  return { injected: true, pod: out, reason: decision.reason };
}

function sidecarVolumes(settings: InjectSettings): Record<string, unknown>[] {
  const v = SidecarNames.volumes;
  return [
    { name: v.bootstrap, emptyDir: { medium: 'Memory' } },
    {
      name: v.podInfo,
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        ],
      },
    },
    {
      name: v.token,
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: settings.caAudience,
              expirationSeconds: settings.tokenExpirationSeconds,
              path: v.token,
            },
          },
        ],
      },
    },
    { name: v.caRoot, configMap: { name: settings.caRootConfigMap, optional: true } },
  ];
}

function annotate(
  meta: ObjectMeta,
  settings: InjectSettings,
  overrides: PodOverrides,
  added: { apps: Container[]; init: Container[]; proxy: Container; native: boolean },
  workloadName: string,
): void {
  const annotations = (meta.annotations ??= {});
  const labels = (meta.labels ??= {});
  const first = added.apps[0]?.name;
  if (first !== undefined) {
    annotations['kubectl.kubernetes.io/default-container'] ??= first;
    annotations['kubectl.kubernetes.io/default-logs-container'] ??= first;
  }
  if (settings.metricsScrape && annotations['prometheus.io/scrape'] === undefined) {
    annotations['prometheus.io/scrape'] = 'true';
    annotations['prometheus.io/port'] = String(SidecarPorts.agent);
    annotations['prometheus.io/path'] = '/stats/prometheus';
  }
  const initNames = added.init.map((c) => c.name);
  annotations[SidecarNames.statusAnnotation] = JSON.stringify({
    initContainers: added.native ? [...initNames, added.proxy.name] : initNames,
    containers: added.native ? [] : [added.proxy.name],
    volumes: Object.values(SidecarNames.volumes),
    interceptionMode: overrides.interceptionMode,
    version: TANDEM_IMAGE_VERSION,
  });
  labels['security.istio.io/tlsMode'] ??= 'istio';
  labels['service.istio.io/canonical-name'] ??=
    labels['app.kubernetes.io/name'] ?? labels.app ?? workloadName;
  labels['service.istio.io/canonical-revision'] ??=
    labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
}
