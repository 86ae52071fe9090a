/**
 * Selectors that select nothing: Sidecars and security policies whose workload selector matches no known
 * workload, several selector-less Sidecars in one namespace, and DestinationRule subsets whose labels match
 * no known endpoint of their host. All are warnings: the registry may simply not know every workload.
 */

import { labelsMatch } from '../core/labels.ts';
import type { IstioIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { IstioObject } from '../types.ts';
import { analysisIssue } from './analysis-issue.ts';
import { resolveHost } from './host-names.ts';
import type { ServiceRegistry } from './service-registry.ts';

function selectorOf(o: IstioObject): { labels: Record<string, string>; path: string } | undefined {
  switch (o.kind) {
    case 'Sidecar':
      return o.spec.workloadSelector && { labels: o.spec.workloadSelector, path: 'spec.workloadSelector' };
    case 'PeerAuthentication':
    case 'AuthorizationPolicy':
    case 'RequestAuthentication':
      return o.spec.selector && { labels: o.spec.selector, path: 'spec.selector' };
    default:
      return undefined;
  }
}

function checkWorkloadSelectors(objects: readonly IstioObject[], registry: ServiceRegistry): IstioIssue[] {
  const issues: IstioIssue[] = [];
  for (const o of objects) {
    const selector = selectorOf(o);
    if (selector === undefined || Object.keys(selector.labels).length === 0) continue;
    if (registry.hasWorkload(o.meta.namespace, selector.labels) === false) {
      const labels = Object.entries(selector.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      issues.push(
        analysisIssue(
          o,
          selector.path,
          IstioIssueCode.noMatchingWorkload,
          `selects no known workload in namespace "${o.meta.namespace}" (${labels})`,
        ),
      );
    }
  }
  return issues;
}

function checkSidecarsWithoutSelector(objects: readonly IstioObject[]): IstioIssue[] {
  const seen = new Map<string, IstioObject>();
  const issues: IstioIssue[] = [];
  for (const o of objects) {
    if (o.kind !== 'Sidecar' || o.spec.workloadSelector !== undefined) continue;
    const first = seen.get(o.meta.namespace);
    if (first === undefined) seen.set(o.meta.namespace, o);
    else
      issues.push(
        analysisIssue(
          o,
          '',
          IstioIssueCode.noMatchingWorkload,
          `Sidecar ${first.meta.namespace}/${first.meta.name} also has no workload selector; only one namespace-wide Sidecar applies`,
        ),
      );
  }
  return issues;
}

function checkSubsetEndpoints(objects: readonly IstioObject[], registry: ServiceRegistry): IstioIssue[] {
  const issues: IstioIssue[] = [];
  for (const o of objects) {
    if (o.kind !== 'DestinationRule') continue;
    const endpoints = registry.endpointLabels(resolveHost(o.spec.host, o.meta.namespace));
    if (endpoints === undefined) continue;
    o.spec.subsets.forEach((subset, i) => {
      if (Object.keys(subset.labels).length === 0 || endpoints.some((l) => labelsMatch(subset.labels, l)))
        return;
      const labels = Object.entries(subset.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      issues.push(
        analysisIssue(
          o,
          `spec.subsets[${i}].labels`,
          IstioIssueCode.subsetWithoutEndpoints,
          `subset "${subset.name}" (${labels}) matches no known endpoint of host "${o.spec.host}"`,
        ),
      );
    });
  }
  return issues;
}

export function checkSelectors(objects: readonly IstioObject[], registry: ServiceRegistry): IstioIssue[] {
  return [
    ...checkWorkloadSelectors(objects, registry),
    ...checkSidecarsWithoutSelector(objects),
    ...checkSubsetEndpoints(objects, registry),
  ];
}
