/**
 * Whether a pod gets a sidecar, by the rules Istio users know:
 * - a `disabled` anywhere wins: namespace label `tandem-injection` / `istio-injection` = disabled, or
 *   pod label (or legacy annotation) `sidecar.istio.io/inject` / `sidecar.tandem.io/inject` = false;
 * - otherwise an `enabled` anywhere injects: the namespace label `enabled` or the pod label `true`;
 * - otherwise the default (`injectByDefault`, off).
 * Pods on the host network and pods that already carry a sidecar are never injected.
 */
import { SidecarNames } from './inject-settings.ts';
import type { Pod } from './kube-pod.ts';

export type InjectionDecision = { inject: true; reason: string } | { inject: false; reason: string };

/** Status annotations of the Tandem and Istio injectors. */
const STATUS_ANNOTATIONS = [SidecarNames.statusAnnotation, 'sidecar.istio.io/status'];
const PROXY_CONTAINERS = [SidecarNames.proxy, 'istio-proxy'];
const NAMESPACE_LABELS = ['tandem-injection', 'istio-injection'];
const POD_KEYS = ['sidecar.tandem.io/inject', 'sidecar.istio.io/inject'];

export function isAlreadyInjected(pod: Pod): boolean {
  const ann = pod.metadata?.annotations ?? {};
  if (STATUS_ANNOTATIONS.some((a) => ann[a] !== undefined)) return true;
  const all = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  return all.some((c) => PROXY_CONTAINERS.includes(c.name));
}

function podChoice(pod: Pod): { value: boolean; where: string } | undefined {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  for (const [where, map] of [
    ['label', labels],
    ['annotation', annotations],
  ] as const) {
    for (const key of POD_KEYS) {
      const v = map[key];
      if (v === undefined) continue;
      const t = String(v).toLowerCase();
      if (['true', 'y', 'yes', 'enabled'].includes(t)) return { value: true, where: `pod ${where} ${key}` };
      if (['false', 'n', 'no', 'disabled'].includes(t)) return { value: false, where: `pod ${where} ${key}` };
    }
  }
  return undefined;
}

function namespaceChoice(labels: Record<string, string>): { value: boolean; where: string } | undefined {
  for (const key of NAMESPACE_LABELS) {
    const v = labels[key];
    if (v === 'enabled') return { value: true, where: `namespace label ${key}=enabled` };
    if (v === 'disabled') return { value: false, where: `namespace label ${key}=disabled` };
  }
  return undefined;
}

/**
 * @param namespaceLabels the pod's namespace labels; `undefined` when unknown (offline
 *   `kube-inject`, or a webhook call whose selectors already matched): then only the pod decides.
 */
export function decideInjection(
  pod: Pod,
  namespaceLabels: Record<string, string> | undefined,
  injectByDefault: boolean,
): InjectionDecision {
  if (pod.spec.hostNetwork === true) return { inject: false, reason: 'pod uses the host network' };
  if (isAlreadyInjected(pod)) return { inject: false, reason: 'pod already has a sidecar' };
  const fromPod = podChoice(pod);
  const fromNs = namespaceLabels === undefined ? undefined : namespaceChoice(namespaceLabels);
  for (const choice of [fromNs, fromPod])
    if (choice?.value === false) return { inject: false, reason: `disabled by ${choice.where}` };
  for (const choice of [fromPod, fromNs])
    if (choice?.value === true) return { inject: true, reason: `enabled by ${choice.where}` };
  if (namespaceLabels === undefined) return { inject: true, reason: 'no opt-out on the pod' };
  return injectByDefault
    ? { inject: true, reason: 'injected by default' }
    : { inject: false, reason: 'namespace is not labelled for injection' };
}
