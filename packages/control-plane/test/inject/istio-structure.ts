/**
 * Reads the structure that matters out of an injected pod template, Istio's (`.injected` testdata)
 * or Tandem's, so tests compare the two on meaning, not text: which sidecar containers exist, the
 * interception flags, probes, identity env and volumes.
 */
import type { Container, EnvVar, PodTemplate } from '../../src/inject/kube-pod.ts';

export function podTemplateOf(object: Record<string, unknown>): PodTemplate {
  if (object.kind === 'Pod') return object as unknown as PodTemplate;
  const spec = object.spec as Record<string, unknown>;
  if (object.kind === 'CronJob')
    return ((spec.jobTemplate as Record<string, unknown>).spec as Record<string, unknown>)
      .template as PodTemplate;
  return spec.template as PodTemplate;
}

export function allContainers(t: PodTemplate): Container[] {
  return [...(t.spec.initContainers ?? []), ...t.spec.containers];
}

export function findContainer(t: PodTemplate, names: string[]): Container | undefined {
  return allContainers(t).find((c) => names.includes(c.name));
}

export function envValue(c: Container | undefined, name: string): string | undefined {
  return c?.env?.find((e: EnvVar) => e.name === name)?.value;
}

export function envFieldPath(c: Container | undefined, name: string): string | undefined {
  const from = c?.env?.find((e: EnvVar) => e.name === name)?.valueFrom as
    | { fieldRef?: { fieldPath: string } }
    | undefined;
  return from?.fieldRef?.fieldPath;
}

/** The value after `flag` in an argument list ('' when the flag is absent). */
export function flagValue(args: readonly string[], flag: string): string {
  const i = args.indexOf(flag);
  return i < 0 ? '' : (args[i + 1] ?? '');
}

export function portSet(list: string, ignore: readonly number[] = []): number[] {
  return list
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number)
    .filter((n) => !ignore.includes(n))
    .sort((a, b) => a - b);
}

/** Istio's interception arguments, in Tandem's terms. */
export function istioInterception(init: Container, ignorePorts: number[]) {
  const a = init.args ?? [];
  return {
    includeInboundPorts: flagValue(a, '-b'),
    excludeInboundPorts: portSet(flagValue(a, '-d'), ignorePorts),
    excludeOutboundPorts: portSet(flagValue(a, '-o')),
    includeOutboundCidrs: flagValue(a, '-i'),
    excludeOutboundCidrs: flagValue(a, '-x'),
    proxyUid: flagValue(a, '-u'),
  };
}

export function tandemInterception(init: Container, ignorePorts: number[]) {
  const a = init.args ?? [];
  return {
    includeInboundPorts: flagValue(a, '--inbound-ports'),
    excludeInboundPorts: portSet(flagValue(a, '--exclude-inbound-ports'), ignorePorts),
    excludeOutboundPorts: portSet(flagValue(a, '--exclude-outbound-ports')),
    includeOutboundCidrs: flagValue(a, '--include-outbound-cidrs'),
    excludeOutboundCidrs: flagValue(a, '--exclude-outbound-cidrs'),
    proxyUid: flagValue(a, '--proxy-uid'),
  };
}

/** Kubernetes quantities as numbers (cpu in cores, memory in bytes), so `4000m` equals `4`. */
export function quantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (m === null) return Number.NaN;
  const scale: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]]! : 1);
}

export function resourcesOf(c: Container | undefined) {
  const r = (c?.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
  const norm = (m: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, quantity(v)]));
  return { requests: norm(r.requests), limits: norm(r.limits) };
}
