/**
 * Cross-object analysis of valid config: what no single object can tell. Errors are references that cannot
 * work (unknown hosts, undefined subsets); everything else (including Gateways no object defines) is a
 * warning.
 */
import type { IstioIssue } from '../istio-issue.ts';
import type { IstioObject } from '../types.ts';
import { checkConflicts, warnRedefinitions } from './check-conflicts.ts';
import { checkDestinations } from './check-destinations.ts';
import { checkGatewayReferences } from './check-gateways.ts';
import { checkSelectors } from './check-selectors.ts';
import { buildServiceRegistry, type ServiceRegistry } from './service-registry.ts';

/** `a`, with what `b` knows added (the analyzed objects' own Services and ServiceEntries). */
function combine(a: ServiceRegistry, b: ServiceRegistry): ServiceRegistry {
  return {
    hostExists: (host, ns) => a.hostExists(host, ns) || b.hostExists(host, ns),
    endpointLabels: (host) => {
      const [x, y] = [a.endpointLabels(host), b.endpointLabels(host)];
      return x === undefined && y === undefined ? undefined : [...(x ?? []), ...(y ?? [])];
    },
    hasWorkload: (ns, labels) => {
      const [x, y] = [a.hasWorkload(ns, labels), b.hasWorkload(ns, labels)];
      return x === undefined && y === undefined ? undefined : x === true || y === true;
    },
  };
}

/**
 * Analyzes `objects` (valid, as `validateIstioObject` returns them) against `registry`. An object defined more
 * than once (same kind/namespace/name, e.g. alternative files in one folder) is reported, and each of its
 * definitions is checked: a reference is satisfied when any definition of its target satisfies it.
 *
 * @example
 * const issues = analyzeConfigs(objects, buildServiceRegistry({ objects: registryObjects, workloads }));
 */
export function analyzeConfigs(objects: readonly IstioObject[], registry: ServiceRegistry): IstioIssue[] {
  const known = combine(registry, buildServiceRegistry({ objects }));
  return [
    ...warnRedefinitions(objects),
    ...checkConflicts(objects),
    ...checkDestinations(objects, known),
    ...checkGatewayReferences(objects),
    ...checkSelectors(objects, known),
  ];
}
