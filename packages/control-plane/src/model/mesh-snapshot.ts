/**
 * Everything translation reads, frozen: services from every registry, and the config objects
 * with their hosts resolved. Built once per config change; translation is a pure function of
 * (snapshot, proxy), so the snapshot and the proxy are the whole cache key (STYLE rule 6).
 */
import {
  type DestinationRule,
  type Gateway,
  type IstioObject,
  resolveGatewayName,
  type Sidecar,
  type VirtualService,
} from '@tandem/api/istio';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../config/mesh-config.ts';
import { resolveHost } from './hostnames.ts';
import type { MeshService } from './mesh-service.ts';

export interface ConfigRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface VirtualServiceEntry {
  ref: ConfigRef;
  spec: VirtualService;
  /** `spec.hosts` resolved to FQDNs against the object's namespace. */
  hosts: readonly string[];
  /** `spec.gateways` as `namespace/name` (and `mesh`). */
  gateways: readonly string[];
}

export interface DestinationRuleEntry {
  ref: ConfigRef;
  spec: DestinationRule;
  host: string;
}

export interface SidecarEntry {
  ref: ConfigRef;
  spec: Sidecar;
}

export interface GatewayEntry {
  ref: ConfigRef;
  spec: Gateway;
  /** `namespace/name`, as VirtualServices reference it once resolved. */
  key: string;
}

export interface MeshSnapshot {
  /** Changes whenever any input changes. */
  readonly version: string;
  readonly services: ReadonlyMap<string, MeshService>;
  readonly virtualServices: readonly VirtualServiceEntry[];
  /** One per host; the oldest (first loaded) wins when several name the same host. */
  readonly destinationRules: ReadonlyMap<string, DestinationRuleEntry>;
  readonly sidecars: readonly SidecarEntry[];
  readonly gateways: readonly GatewayEntry[];
  /** Every validated object, including kinds translation does not read yet. */
  readonly objects: readonly IstioObject[];
  /** Mesh-wide settings (access logs, tracing providers). */
  readonly meshConfig: MeshConfig;
}

export function buildMeshSnapshot(
  version: string,
  objects: readonly IstioObject[],
  services: readonly MeshService[],
  meshConfig: MeshConfig = DEFAULT_MESH_CONFIG,
): MeshSnapshot {
  const byHost = new Map<string, MeshService>();
  for (const s of services) if (!byHost.has(s.hostname)) byHost.set(s.hostname, s);
  const virtualServices: VirtualServiceEntry[] = [];
  const destinationRules = new Map<string, DestinationRuleEntry>();
  const sidecars: SidecarEntry[] = [];
  const gateways: GatewayEntry[] = [];
  for (const o of objects) {
    const ref = { kind: o.kind, namespace: o.meta.namespace, name: o.meta.name };
    if (o.kind === 'VirtualService') {
      virtualServices.push({
        ref,
        spec: o.spec,
        hosts: o.spec.hosts.map((h) => resolveHost(h, ref.namespace)),
        gateways: o.spec.gateways.map((g) => resolveGatewayName(g, ref.namespace)),
      });
    } else if (o.kind === 'DestinationRule') {
      const host = resolveHost(o.spec.host, ref.namespace);
      if (!destinationRules.has(host)) destinationRules.set(host, { ref, spec: o.spec, host });
    } else if (o.kind === 'Sidecar') {
      sidecars.push({ ref, spec: o.spec });
    } else if (o.kind === 'Gateway') {
      gateways.push({ ref, spec: o.spec, key: `${ref.namespace}/${ref.name}` });
    }
  }
  return Object.freeze({
    version,
    services: byHost,
    virtualServices,
    destinationRules,
    sidecars,
    gateways,
    objects,
    meshConfig,
  });
}
