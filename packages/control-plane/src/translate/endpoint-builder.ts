/**
 * ClusterLoadAssignments: a cluster's endpoints (the subset's, when it has one), grouped by
 * locality, each locality weighted by the sum of its endpoints' weights (gRPC ignores localities
 * without a weight), unhealthy endpoints marked so balancers skip them.
 */
import { type Locality, labelsMatch, type MeshEndpoint } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import { autoMtlsTo, TLS_MODE_MATCH } from './auto-mtls.ts';
import type { ClusterPlan } from './cluster-builder.ts';
import { applyLocalityLb, type LocalityPolicy } from './locality-lb.ts';
import type { Json } from './xds-resources.ts';

/**
 * The endpoints of an EDS cluster as one proxy sees them: with locality priorities or weights from
 * the DestinationRule (see `applyLocalityLb`) relative to the proxy's locality, and (given the
 * snapshot, for sidecars) the auto mTLS metadata of endpoints that have a sidecar.
 */
export function buildLoadAssignment(
  plan: ClusterPlan,
  snapshot?: MeshSnapshot,
  locality?: { policy: LocalityPolicy | undefined; proxy: Locality; notes: string[] },
): Json {
  const groups = new Map<string, { locality: Locality; eps: MeshEndpoint[] }>();
  for (const ep of plan.service.endpoints) {
    if (!labelsMatch(plan.subsetLabels, ep.labels)) continue;
    const key = `${ep.locality.region}/${ep.locality.zone}/${ep.locality.subZone}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { locality: ep.locality, eps: [] }));
    g.eps.push(ep);
  }
  const sorted = [...groups.keys()].sort().map((key) => groups.get(key)!);
  const endpoints = sorted.map((g) => ({
    locality: localityJson(g.locality),
    load_balancing_weight: g.eps.reduce((s, e) => s + e.weight, 0),
    lb_endpoints: g.eps.map((ep) => lbEndpoint(ep, targetPort(plan, ep), plan, snapshot)),
  }));
  if (locality !== undefined) {
    const located = sorted.map((g, i) => ({ locality: g.locality, json: endpoints[i] as Json }));
    applyLocalityLb(located, locality.policy, locality.proxy, locality.notes, plan.name);
  }
  return { cluster_name: plan.name, endpoints };
}

/** For DNS clusters the endpoints go inline in the cluster (hostnames, resolved by the proxy). */
export function dnsLoadAssignment(plan: ClusterPlan, snapshot?: MeshSnapshot): Json {
  const eps = plan.service.endpoints.filter((ep) => labelsMatch(plan.subsetLabels, ep.labels));
  const list = eps.length > 0 ? eps : [];
  return {
    cluster_name: plan.name,
    endpoints:
      list.length === 0
        ? []
        : [{ lb_endpoints: list.map((ep) => lbEndpoint(ep, targetPort(plan, ep), plan, snapshot)) }],
  };
}

export function targetPort(plan: ClusterPlan, ep: MeshEndpoint): number {
  return ep.ports[plan.port.name] ?? (plan.port.targetPort || plan.port.number);
}

function lbEndpoint(ep: MeshEndpoint, port: number, plan: ClusterPlan, snapshot?: MeshSnapshot): Json {
  const out: Json = {
    endpoint: { address: { socket_address: { address: ep.address, port_value: port } } },
    health_status: ep.healthy ? 'HEALTHY' : 'UNHEALTHY',
    load_balancing_weight: ep.weight,
  };
  if (snapshot !== undefined && autoMtlsTo(snapshot, plan.service, ep, port))
    out['metadata'] = { filter_metadata: { 'envoy.transport_socket_match': { ...TLS_MODE_MATCH } } };
  return out;
}

function localityJson(l: Locality): Json {
  const out: Json = {};
  if (l.region !== '') out['region'] = l.region;
  if (l.zone !== '') out['zone'] = l.zone;
  if (l.subZone !== '') out['sub_zone'] = l.subZone;
  return out;
}
