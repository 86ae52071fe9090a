/**
 * Locality-aware load balancing for one proxy, Istio's way (on by default in the mesh config):
 * - `distribute`: when the proxy's locality matches a rule's `from`, each endpoint locality gets the
 *   share of the `to` entries it matches (split evenly among the localities a `to` entry matches),
 *   as locality weights, and the cluster balances by locality weight;
 * - failover (only for clusters with outlier detection, which tells the proxy when to fail over):
 *   endpoint localities get priorities by proximity, 0 same sub-zone, 1 same zone, 2 same region,
 *   3 other regions (with `failover` rules for the proxy's region: 3 the `to` region, 4 the rest),
 *   numbered without gaps.
 * Nothing applies when the proxy does not say where it is.
 */
import type { LocalityLbSetting, TrafficPolicy } from '@tandem/api/istio';
import type { Locality } from '../model/mesh-service.ts';
import type { ClusterPlan } from './cluster-builder.ts';
import type { Json } from './xds-resources.ts';

export type LocalityPolicy = Omit<TrafficPolicy, 'portLevelSettings'>;
type Policy = LocalityPolicy;

function setting(policy: Policy | undefined): LocalityLbSetting | undefined {
  const s = policy?.loadBalancer?.localityLbSetting;
  return s?.enabled === false ? undefined : s;
}

/** Whether the cluster balances by locality weight (a `distribute` rule is set). */
export function localityWeighted(policy: Policy | undefined, plan: ClusterPlan): boolean {
  return plan.service.resolution === 'STATIC' && (setting(policy)?.distribute.length ?? 0) > 0;
}

/** `region/zone/subzone` pattern match; `*` matches anything from there on. */
function localityMatches(pattern: string, l: Locality): boolean {
  const parts = pattern.split('/');
  const values = [l.region, l.zone, l.subZone];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '*') return true;
    if (parts[i] !== values[i]) return false;
  }
  return true;
}

interface LocalityGroup {
  locality: Locality;
  json: Json;
}

/**
 * Adjusts a ClusterLoadAssignment's locality groups for the proxy at `proxy`: weights from
 * `distribute`, or priorities for failover. `groups` pairs each `endpoints[]` entry with its locality.
 */
export function applyLocalityLb(
  groups: readonly LocalityGroup[],
  policy: Policy | undefined,
  proxy: Locality,
  notes: string[],
  name: string,
): void {
  if (proxy.region === '' || groups.length === 0) return;
  const s = setting(policy);
  if (policy?.loadBalancer?.localityLbSetting?.enabled === false) return;
  if (s !== undefined && s.failoverPriority.length > 0)
    notes.push(
      `${name}: localityLbSetting.failoverPriority not applied (label-based failover is not supported yet)`,
    );
  if (s !== undefined && s.distribute.length > 0) return distribute(groups, s, proxy);
  if (policy?.outlierDetection !== undefined) failover(groups, s, proxy);
}

function distribute(groups: readonly LocalityGroup[], s: LocalityLbSetting, proxy: Locality): void {
  const rule = s.distribute.find((d) => localityMatches(d.from, proxy));
  if (rule === undefined) return;
  const weights = groups.map(() => 0);
  for (const [to, percent] of Object.entries(rule.to)) {
    const matching = groups.map((g, i) => (localityMatches(to, g.locality) ? i : -1)).filter((i) => i >= 0);
    for (const i of matching) weights[i]! += (percent * 1000) / matching.length;
  }
  groups.forEach((g, i) => {
    g.json['load_balancing_weight'] = Math.round(weights[i]!);
  });
}

function failover(groups: readonly LocalityGroup[], s: LocalityLbSetting | undefined, proxy: Locality): void {
  const raw = groups.map((g) => {
    const l = g.locality;
    if (l.region !== proxy.region) {
      const rule = s?.failover.find((f) => f.from === proxy.region);
      return rule !== undefined && rule.to !== l.region ? 4 : 3;
    }
    if (l.zone !== proxy.zone) return 2;
    return l.subZone === proxy.subZone ? 0 : 1;
  });
  const levels = [...new Set(raw)].sort((a, b) => a - b);
  groups.forEach((g, i) => {
    const p = levels.indexOf(raw[i]!);
    if (p > 0) g.json['priority'] = p;
  });
}
