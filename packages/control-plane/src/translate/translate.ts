/**
 * `translate(snapshot, proxy)`: every Envoy resource one proxy needs, from the mesh snapshot and
 * who the proxy is, and nothing else (STYLE rule 6: its inputs are its cache key). Pure and
 * deterministic: the same inputs give byte-identical resources, so unchanged config produces no
 * push. Clusters, endpoint assignments and virtual hosts are memoized per service (memo.ts) with
 * every input they read, so a change rebuilds only the pieces it touches; the memoized pieces are
 * frozen and shared between translations.
 */
import type { Locality, MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { mtlsInputs } from './auto-mtls.ts';
import {
  type Capabilities,
  capabilitiesKey,
  capabilitiesOf,
  sendsToOriginalDestination,
} from './capabilities.ts';
import { buildOutboundCluster, type ClusterPlan, planOutboundClusters } from './cluster-builder.ts';
import { buildLoadAssignment } from './endpoint-builder.ts';
import { applyEnvoyFilters, envoyFiltersFor } from './envoy-filter-patches.ts';
import { buildGatewayListeners } from './gateway-listeners.ts';
import { buildGrpcListeners } from './grpc-listeners.ts';
import { memoized, perObject } from './memo.ts';
import type { RouteContext } from './route-builder.ts';
import { buildSidecarListeners } from './sidecar-listeners.ts';
import { applyTelemetry } from './telemetry-builder.ts';
import { destinationRuleFor, effectivePolicy } from './traffic-policy.ts';
import { addTransparentInbound, buildTransparentOutbound } from './transparent-listeners.ts';
import { visibleServices } from './visibility.ts';
import { emptyResources, type Json, type XdsResources } from './xds-resources.ts';

export function translate(snapshot: MeshSnapshot, proxy: ProxyInfo): XdsResources {
  if (proxy.kind === 'sidecar' && proxy.interceptionMode !== 'NONE')
    return translateTransparent(snapshot, proxy);
  const out = emptyResources();
  const caps = capabilitiesOf(proxy);
  const services = visibleServices(snapshot, proxy);
  addOutboundClusters(snapshot, services, proxy, caps, out);
  const ctx: RouteContext = { snapshot, proxy, caps, notes: out.notes };
  if (proxy.kind === 'grpc') {
    buildGrpcListeners(services, ctx, out);
    for (const ef of envoyFiltersFor(snapshot, proxy))
      out.notes.push(
        `EnvoyFilter ${ef.meta.namespace}/${ef.meta.name}: not applied (proxyless gRPC has no Envoy config to patch)`,
      );
  } else {
    if (proxy.kind === 'router') buildGatewayListeners(ctx, out);
    else buildSidecarListeners(services, ctx, out);
    applyEnvoyFilters(snapshot, proxy, out);
    applyTelemetry(snapshot, proxy, out);
  }
  return out;
}

function addOutboundClusters(
  snapshot: MeshSnapshot,
  services: readonly MeshService[],
  proxy: ProxyInfo,
  caps: Capabilities,
  out: XdsResources,
): void {
  for (const service of services) {
    const outbound = memoizedOutbound(snapshot, service, proxy, caps, out.notes);
    for (const [name, cluster] of outbound.clusters) out.clusters.set(name, cluster);
    for (const [name, assignment] of outbound.endpoints) out.endpoints.set(name, assignment);
  }
}

/** What transparent sidecars with the same facts but other addresses share (see translateTransparent). */
interface TransparentOutbound {
  readonly services: readonly MeshService[];
  readonly caps: Capabilities;
  readonly resources: XdsResources;
}

/**
 * A transparent sidecar: its outbound side (clusters, endpoints, outbound listeners and routes)
 * reads everything of the proxy but its addresses, which only pick the ports it serves
 * (`virtualInbound`). Sidecars of one namespace that serve other ports (the translation key tells
 * them apart) share the outbound side, built once per snapshot; each gets its own copy of the
 * listeners, which EnvoyFilters and Telemetry then patch.
 */
function translateTransparent(snapshot: MeshSnapshot, proxy: ProxyInfo): XdsResources {
  const bySnapshot = perObject(
    snapshot,
    'transparent-outbound',
    () => new Map<string, TransparentOutbound>(),
  );
  const key = JSON.stringify({ ...proxy, ips: [] });
  let shared = bySnapshot.get(key);
  if (shared === undefined) {
    const resources = emptyResources();
    const caps = capabilitiesOf(proxy);
    const services = visibleServices(snapshot, proxy);
    addOutboundClusters(snapshot, services, proxy, caps, resources);
    buildTransparentOutbound(services, { snapshot, proxy, caps, notes: resources.notes }, resources);
    shared = { services, caps, resources };
    bySnapshot.set(key, shared);
  }
  const out: XdsResources = {
    listeners: new Map([...shared.resources.listeners].map(([name, l]) => [name, structuredClone(l)])),
    routes: new Map(shared.resources.routes),
    clusters: new Map(shared.resources.clusters),
    endpoints: new Map(shared.resources.endpoints),
    notes: [...shared.resources.notes],
  };
  addTransparentInbound(shared.services, { snapshot, proxy, caps: shared.caps, notes: out.notes }, out);
  applyEnvoyFilters(snapshot, proxy, out);
  applyTelemetry(snapshot, proxy, out);
  return out;
}

interface Outbound {
  readonly clusters: readonly (readonly [string, Json])[];
  readonly endpoints: readonly (readonly [string, Json])[];
}

/**
 * A service's outbound clusters and endpoint assignments, memoized per service with every input of
 * the pieces below (the DestinationRule, the mTLS inputs, the proxy's kind and locality), so that an
 * unchanged service costs one lookup.
 */
function memoizedOutbound(
  snapshot: MeshSnapshot,
  service: MeshService,
  proxy: ProxyInfo,
  caps: Capabilities,
  notes: string[],
): Outbound {
  const rule = destinationRuleFor(snapshot, service.hostname);
  const key = `outbound ${capabilitiesKey(proxy, caps)} ${localityKey(proxy.locality)}`;
  return memoized(service, key, [rule, mtlsInputs(snapshot)], notes, (written) => {
    const clusters: [string, Json][] = [];
    const endpoints: [string, Json][] = [];
    for (const plan of planOutboundClusters(snapshot, [service])) {
      clusters.push([plan.name, memoizedCluster(snapshot, plan, proxy, caps, written)]);
      const lb = effectivePolicy(rule?.spec, plan.subset, plan.port.number)?.loadBalancer;
      if (service.resolution === 'STATIC' && !sendsToOriginalDestination(caps, lb))
        endpoints.push([plan.name, memoizedLoadAssignment(snapshot, plan, proxy, written)]);
    }
    return { clusters, endpoints };
  });
}

/**
 * An outbound cluster, memoized per service: it reads the service, its DestinationRule (policy,
 * subsets), what the proxy kind supports, and for sidecars the mTLS inputs (auto mTLS, identities).
 */
function memoizedCluster(
  snapshot: MeshSnapshot,
  plan: ClusterPlan,
  proxy: ProxyInfo,
  caps: Capabilities,
  notes: string[],
): Json {
  const rule = destinationRuleFor(snapshot, plan.service.hostname);
  const inputs = [rule, mtlsInputs(snapshot)];
  const key = `cluster ${capabilitiesKey(proxy, caps)} ${plan.name}`;
  return memoized(plan.service, key, inputs, notes, (written) =>
    buildOutboundCluster(snapshot, plan, caps, written, proxy.kind !== 'grpc'),
  );
}

/**
 * A ClusterLoadAssignment, memoized per service: it reads the service's endpoints, the DestinationRule
 * (subset labels, locality and outlier settings), the proxy's kind (sidecars mark mTLS endpoints) and
 * locality (priorities and weights), and for sidecars the mTLS inputs.
 */
function memoizedLoadAssignment(
  snapshot: MeshSnapshot,
  plan: ClusterPlan,
  proxy: ProxyInfo,
  notes: string[],
): Json {
  const rule = destinationRuleFor(snapshot, plan.service.hostname);
  const key = `endpoints ${proxy.kind} ${plan.name} ${localityKey(proxy.locality)}`;
  return memoized(plan.service, key, [rule, mtlsInputs(snapshot)], notes, (written) => {
    const policy = effectivePolicy(rule?.spec, plan.subset, plan.port.number);
    const locality = { policy, proxy: proxy.locality, notes: written };
    return buildLoadAssignment(plan, proxy.kind === 'grpc' ? undefined : snapshot, locality);
  });
}

function localityKey(l: Locality): string {
  return `${l.region}/${l.zone}/${l.subZone}`;
}
