/**
 * `translate(snapshot, proxy)`: every Envoy resource one proxy needs, from the mesh snapshot and
 * who the proxy is, and nothing else (STYLE rule 6: its inputs are its cache key). Pure and
 * deterministic: the same inputs give byte-identical resources, so unchanged config produces no
 * push.
 */
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { capabilitiesOf } from './capabilities.ts';
import { buildOutboundCluster, planOutboundClusters } from './cluster-builder.ts';
import { buildLoadAssignment } from './endpoint-builder.ts';
import { applyEnvoyFilters, envoyFiltersFor } from './envoy-filter-patches.ts';
import { buildGatewayListeners } from './gateway-listeners.ts';
import { buildGrpcListeners } from './grpc-listeners.ts';
import type { RouteContext } from './route-builder.ts';
import { buildSidecarListeners } from './sidecar-listeners.ts';
import { applyTelemetry } from './telemetry-builder.ts';
import { destinationRuleFor, effectivePolicy } from './traffic-policy.ts';
import { buildTransparentListeners } from './transparent-listeners.ts';
import { visibleServices } from './visibility.ts';
import { emptyResources, type XdsResources } from './xds-resources.ts';

export function translate(snapshot: MeshSnapshot, proxy: ProxyInfo): XdsResources {
  const out = emptyResources();
  const caps = capabilitiesOf(proxy);
  const services = visibleServices(snapshot, proxy);
  for (const plan of planOutboundClusters(snapshot, services)) {
    out.clusters.set(plan.name, buildOutboundCluster(snapshot, plan, caps, out.notes, proxy.kind !== 'grpc'));
    if (plan.service.resolution === 'STATIC') {
      const policy = effectivePolicy(
        destinationRuleFor(snapshot, plan.service.hostname)?.spec,
        plan.subset,
        plan.port.number,
      );
      const locality = { policy, proxy: proxy.locality, notes: out.notes };
      out.endpoints.set(
        plan.name,
        buildLoadAssignment(plan, proxy.kind === 'grpc' ? undefined : snapshot, locality),
      );
    }
  }
  const ctx: RouteContext = { snapshot, proxy, caps, notes: out.notes };
  if (proxy.kind === 'grpc') {
    buildGrpcListeners(services, ctx, out);
    for (const ef of envoyFiltersFor(snapshot, proxy))
      out.notes.push(
        `EnvoyFilter ${ef.meta.namespace}/${ef.meta.name}: not applied (proxyless gRPC has no Envoy config to patch)`,
      );
  } else {
    if (proxy.kind === 'router') buildGatewayListeners(ctx, out);
    else if (proxy.interceptionMode === 'NONE') buildSidecarListeners(services, ctx, out);
    else buildTransparentListeners(services, ctx, out);
    applyEnvoyFilters(snapshot, proxy, out);
    applyTelemetry(snapshot, proxy, out);
  }
  return out;
}
