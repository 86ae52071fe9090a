/**
 * Everything translation reads, frozen: services from every registry, and the config objects
 * with their hosts resolved. Built once per config change; translation is a pure function of
 * (snapshot, proxy), so the snapshot and the proxy are the whole cache key (STYLE rule 6).
 * Entries built from an unchanged config object are the same objects from one snapshot to the
 * next (config objects are immutable), so translation can memoize per entry.
 */
import type {
  AuthorizationPolicy,
  DestinationRule,
  Gateway,
  IstioObject,
  PeerAuthentication,
  RequestAuthentication,
  Sidecar,
  VirtualService,
} from '@tandem/api/istio';
import { resolveGatewayName } from '@tandem/api/istio';
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

export interface PolicyEntry<T> {
  ref: ConfigRef;
  spec: T;
}

/** Mesh-wide security settings translation reads (part of the snapshot, so part of the cache key). */
export interface MeshSecurity {
  /** A CA issues workload certificates: sidecars get mTLS (auto mTLS, PeerAuthentication). */
  readonly mtls: boolean;
  readonly trustDomain: string;
  /** Where mesh-wide policies live (Istio's root namespace). */
  readonly rootNamespace: string;
  /** JWKS documents fetched for RequestAuthentication `jwksUri`s, by URI. */
  readonly jwks: ReadonlyMap<string, string>;
}

export const NO_SECURITY: MeshSecurity = Object.freeze({
  mtls: false,
  trustDomain: 'cluster.local',
  rootNamespace: 'istio-system',
  jwks: new Map<string, string>(),
});

export interface MeshSnapshot {
  /** Changes whenever any input changes. */
  readonly version: string;
  readonly services: ReadonlyMap<string, MeshService>;
  readonly virtualServices: readonly VirtualServiceEntry[];
  /** The VirtualServices naming each exact host, in load order (wildcard hosts are not indexed). */
  readonly virtualServicesByHost: ReadonlyMap<string, readonly VirtualServiceEntry[]>;
  /** VirtualServices with a wildcard host, in load order. */
  readonly wildcardVirtualServices: readonly VirtualServiceEntry[];
  /** One per host; the oldest (first loaded) wins when several name the same host. */
  readonly destinationRules: ReadonlyMap<string, DestinationRuleEntry>;
  readonly sidecars: readonly SidecarEntry[];
  readonly gateways: readonly GatewayEntry[];
  readonly peerAuthentications: readonly PolicyEntry<PeerAuthentication>[];
  readonly authorizationPolicies: readonly PolicyEntry<AuthorizationPolicy>[];
  readonly requestAuthentications: readonly PolicyEntry<RequestAuthentication>[];
  readonly security: MeshSecurity;
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
  security: MeshSecurity = NO_SECURITY,
): MeshSnapshot {
  const byHost = new Map<string, MeshService>();
  for (const s of services) if (!byHost.has(s.hostname)) byHost.set(s.hostname, s);
  const virtualServices: VirtualServiceEntry[] = [];
  const destinationRules = new Map<string, DestinationRuleEntry>();
  const sidecars: SidecarEntry[] = [];
  const gateways: GatewayEntry[] = [];
  const peerAuthentications: PolicyEntry<PeerAuthentication>[] = [];
  const authorizationPolicies: PolicyEntry<AuthorizationPolicy>[] = [];
  const requestAuthentications: PolicyEntry<RequestAuthentication>[] = [];
  for (const o of objects) {
    if (o.kind === 'VirtualService') virtualServices.push(entryOf(o) as VirtualServiceEntry);
    else if (o.kind === 'DestinationRule') {
      const rule = entryOf(o) as DestinationRuleEntry;
      if (!destinationRules.has(rule.host)) destinationRules.set(rule.host, rule);
    } else if (o.kind === 'Sidecar') sidecars.push(entryOf(o) as SidecarEntry);
    else if (o.kind === 'Gateway') gateways.push(entryOf(o) as GatewayEntry);
    else if (o.kind === 'PeerAuthentication')
      peerAuthentications.push(entryOf(o) as PolicyEntry<PeerAuthentication>);
    else if (o.kind === 'AuthorizationPolicy')
      authorizationPolicies.push(entryOf(o) as PolicyEntry<AuthorizationPolicy>);
    else if (o.kind === 'RequestAuthentication')
      requestAuthentications.push(entryOf(o) as PolicyEntry<RequestAuthentication>);
  }
  const { byHost: virtualServicesByHost, wildcard } = indexVirtualServices(virtualServices);
  return Object.freeze({
    version,
    services: byHost,
    virtualServices,
    virtualServicesByHost,
    wildcardVirtualServices: wildcard,
    destinationRules,
    sidecars,
    gateways,
    peerAuthentications,
    authorizationPolicies,
    requestAuthentications,
    security,
    objects,
    meshConfig,
  });
}

type Entry =
  | VirtualServiceEntry
  | DestinationRuleEntry
  | SidecarEntry
  | GatewayEntry
  | PolicyEntry<PeerAuthentication | AuthorizationPolicy | RequestAuthentication>;
type EntryKind = Extract<
  IstioObject,
  {
    kind:
      | 'VirtualService'
      | 'DestinationRule'
      | 'Sidecar'
      | 'Gateway'
      | 'PeerAuthentication'
      | 'AuthorizationPolicy'
      | 'RequestAuthentication';
  }
>;

/** The entry of a config object, built once per object (objects are immutable). */
const entries = new WeakMap<IstioObject, Entry>();

function entryOf(o: EntryKind): Entry {
  const known = entries.get(o);
  if (known !== undefined) return known;
  const entry = Object.freeze(buildEntry(o));
  entries.set(o, entry);
  return entry;
}

function buildEntry(o: EntryKind): Entry {
  const ref = Object.freeze({ kind: o.kind, namespace: o.meta.namespace, name: o.meta.name });
  if (o.kind === 'VirtualService')
    return {
      ref,
      spec: o.spec,
      hosts: o.spec.hosts.map((h) => resolveHost(h, ref.namespace)),
      gateways: o.spec.gateways.map((g) => resolveGatewayName(g, ref.namespace)),
    };
  if (o.kind === 'DestinationRule')
    return { ref, spec: o.spec, host: resolveHost(o.spec.host, ref.namespace) };
  if (o.kind === 'Gateway') return { ref, spec: o.spec, key: `${ref.namespace}/${ref.name}` };
  if (o.kind === 'Sidecar') return { ref, spec: o.spec } satisfies SidecarEntry;
  return { ref, spec: o.spec };
}

function indexVirtualServices(list: readonly VirtualServiceEntry[]): {
  byHost: Map<string, VirtualServiceEntry[]>;
  wildcard: VirtualServiceEntry[];
} {
  const byHost = new Map<string, VirtualServiceEntry[]>();
  const wildcard: VirtualServiceEntry[] = [];
  for (const vs of list) {
    let isWildcard = false;
    for (const host of new Set(vs.hosts)) {
      if (host === '*' || host.startsWith('*.')) {
        isWildcard = true;
        continue;
      }
      const named = byHost.get(host);
      if (named === undefined) byHost.set(host, [vs]);
      else named.push(vs);
    }
    if (isWildcard) wildcard.push(vs);
  }
  return { byHost, wildcard };
}
