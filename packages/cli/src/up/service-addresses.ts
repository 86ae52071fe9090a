/**
 * Service virtual IPs for `tandem up --transparent`, Tandem's stand-in for Kubernetes ClusterIPs:
 * one address per service (namespace/name) of the manifest, from `--service-cidr`, in sorted order
 * so that the same manifest gets the same addresses every run. Each sidecar registers its service's
 * address, which puts it in the generated ServiceEntry's `addresses` (see the control plane's
 * workload-registrations.ts); each pod's /etc/hosts maps the service names to it.
 */

import { hostAddress, hostCount, type Ipv4Cidr } from './ipv4-cidr.ts';
import type { WorkloadDecl } from './manifest.ts';

/** `namespace/name` -> address, for every workload that serves a port. */
export function allocateServiceAddresses(
  workloads: readonly WorkloadDecl[],
  cidr: Ipv4Cidr,
): Map<string, string> {
  const keys = [...new Set(workloads.filter((w) => w.ports.length > 0).map(serviceKey))].sort();
  if (keys.length > hostCount(cidr))
    throw new Error(`--service-cidr ${cidr.text}: ${keys.length} services do not fit`);
  return new Map(keys.map((key, i) => [key, hostAddress(cidr, i + 1)]));
}

export function serviceKey(w: { namespace: string; name: string }): string {
  return `${w.namespace}/${w.name}`;
}

/**
 * The /etc/hosts of a pod in `namespace`: every service under its Kubernetes names
 * (`reviews.default.svc.cluster.local`, `reviews.default.svc`, `reviews.default`) and, for services
 * of the pod's own namespace, the short name `reviews`; the pod's own name at its IP.
 */
export function buildPodHosts(
  addresses: ReadonlyMap<string, string>,
  pod: { name: string; ip: string; namespace: string },
): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback', `${pod.ip} ${pod.name}`];
  for (const [key, address] of addresses) {
    const [namespace, name] = key.split('/') as [string, string];
    const names = [
      `${name}.${namespace}.svc.cluster.local`,
      `${name}.${namespace}.svc`,
      `${name}.${namespace}`,
    ];
    if (namespace === pod.namespace) names.push(name);
    lines.push(`${address} ${names.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}
