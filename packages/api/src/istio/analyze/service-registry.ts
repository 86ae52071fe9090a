/**
 * What the analyzer knows about services and workloads. `buildServiceRegistry` assembles one from Kubernetes
 * Services, ServiceEntries, WorkloadEntries and workload labels (Deployments, Pods, ...).
 */
import { labelsMatch } from '../core/labels.ts';
import type { IstioObject } from '../types.ts';
import { DEFAULT_DOMAIN_SUFFIX, hostMatches, resolveHost, serviceHost } from './host-names.ts';
import type { WorkloadLabels } from './workload-labels.ts';

export interface ServiceRegistry {
  /** True when `host` (resolved against `namespace` if short) names a known service. */
  hostExists(host: string, namespace: string): boolean;
  /** Label sets of the known endpoints of the FQDN `host`; `undefined` when the registry cannot tell. */
  endpointLabels(host: string): Record<string, string>[] | undefined;
  /** Whether a known workload in `namespace` carries all of `labels`; `undefined` when unknown. */
  hasWorkload(namespace: string, labels: Record<string, string>): boolean | undefined;
}

export interface RegistryInput {
  /** Services, ServiceEntries and WorkloadEntries (other kinds are skipped). */
  objects: readonly IstioObject[];
  /** Pod labels of Kubernetes workloads. */
  workloads?: readonly WorkloadLabels[];
  domainSuffix?: string;
}

interface HostEntry {
  host: string;
  /** Endpoint labels, or `undefined` when the endpoints are not known (e.g. DNS resolution). */
  endpoints: () => Record<string, string>[] | undefined;
}

function hostEntries(
  input: RegistryInput,
  workloadsIn: (ns: string) => Record<string, string>[],
): HostEntry[] {
  const suffix = input.domainSuffix ?? DEFAULT_DOMAIN_SUFFIX;
  const entries: HostEntry[] = [];
  for (const o of input.objects) {
    if (o.kind === 'Service') {
      const selector = o.spec.selector;
      entries.push({
        host: serviceHost(o.meta.name, o.meta.namespace, suffix),
        endpoints: () =>
          selector === undefined
            ? undefined
            : workloadsIn(o.meta.namespace).filter((l) => labelsMatch(selector, l)),
      });
    } else if (o.kind === 'ServiceEntry') {
      const spec = o.spec;
      const endpoints = () => {
        if (spec.workloadSelector !== undefined)
          return workloadsIn(o.meta.namespace).filter((l) => labelsMatch(spec.workloadSelector!, l));
        return spec.endpoints.length > 0 ? spec.endpoints.map((e) => e.labels) : undefined;
      };
      for (const host of spec.hosts)
        entries.push({ host: resolveHost(host, o.meta.namespace, suffix), endpoints });
    }
  }
  return entries;
}

/**
 * @example
 * const registry = buildServiceRegistry({ objects: servicesAndEntries, workloads: deploymentsLabels });
 * registry.hostExists('reviews', 'default'); // true when Service default/reviews is among the objects
 */
export function buildServiceRegistry(input: RegistryInput): ServiceRegistry {
  const workloads = new Map<string, Record<string, string>[]>();
  const add = (ns: string, labels: Record<string, string>) =>
    workloads.set(ns, [...(workloads.get(ns) ?? []), labels]);
  for (const w of input.workloads ?? []) add(w.namespace, w.labels);
  for (const o of input.objects) if (o.kind === 'WorkloadEntry') add(o.meta.namespace, o.spec.labels);
  const workloadsIn = (ns: string) => workloads.get(ns) ?? [];
  const entries = hostEntries(input, workloadsIn);
  const suffix = input.domainSuffix ?? DEFAULT_DOMAIN_SUFFIX;
  return {
    hostExists: (host, namespace) => {
      const fqdn = resolveHost(host, namespace, suffix);
      return entries.some((e) => hostMatches(e.host, fqdn));
    },
    endpointLabels: (host) => {
      const matching = entries.filter((e) => hostMatches(e.host, host) || hostMatches(host, e.host));
      const lists = matching.map((e) => e.endpoints());
      return matching.length === 0 || lists.some((l) => l === undefined)
        ? undefined
        : (lists.flat() as Record<string, string>[]);
    },
    hasWorkload: (namespace, labels) => {
      if (workloads.size === 0) return undefined;
      return workloadsIn(namespace).some((l) => labelsMatch(labels, l));
    },
  };
}
