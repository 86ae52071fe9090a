/**
 * DestinationRule traffic policy for one cluster: the subset's policy over the rule's, with
 * port-level settings for the port taking precedence (Istio's merge order).
 */
import type { DestinationRule, TrafficPolicy } from '@tandem/api/istio';
import { hostMatches } from '../model/hostnames.ts';
import type { DestinationRuleEntry, MeshSnapshot } from '../model/mesh-snapshot.ts';

type Flat = Omit<TrafficPolicy, 'portLevelSettings'>;

/** The DestinationRule for a host: exact host first, then the longest matching wildcard. */
export function destinationRuleFor(snapshot: MeshSnapshot, host: string): DestinationRuleEntry | undefined {
  const exact = snapshot.destinationRules.get(host);
  if (exact !== undefined) return exact;
  let best: DestinationRuleEntry | undefined;
  for (const dr of snapshot.destinationRules.values()) {
    if (
      dr.host.startsWith('*') &&
      hostMatches(dr.host, host) &&
      (best === undefined || dr.host.length > best.host.length)
    )
      best = dr;
  }
  return best;
}

/** The policy for one cluster: the subset's over the rule's, port-level settings over both. */
export function effectivePolicy(
  rule: DestinationRule | undefined,
  subset: string,
  port: number,
): Flat | undefined {
  if (rule === undefined) return undefined;
  const base = forPort(rule.trafficPolicy, port);
  const sub = subset === '' ? undefined : rule.subsets.find((s) => s.name === subset)?.trafficPolicy;
  return merge(base, forPort(sub, port));
}

function forPort(p: TrafficPolicy | undefined, port: number): Flat | undefined {
  if (p === undefined) return undefined;
  const level = p.portLevelSettings.find((l) => l.port === port);
  return merge(p, level);
}

function merge(a: Flat | undefined, b: Flat | undefined): Flat | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return {
    loadBalancer: b.loadBalancer ?? a.loadBalancer,
    connectionPool: b.connectionPool ?? a.connectionPool,
    outlierDetection: b.outlierDetection ?? a.outlierDetection,
    tls: b.tls ?? a.tls,
  };
}
