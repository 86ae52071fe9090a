/**
 * Builds MeshServices from config objects: ServiceEntry (with inline endpoints, or a
 * workloadSelector over WorkloadEntries of its namespace) and Kubernetes Service with its
 * Endpoints or EndpointSlices. Pure: same objects in, same services out. Config objects are
 * immutable, so the services built from a ServiceEntry are remembered with the exact objects they
 * came from: when a rebuild finds the same ServiceEntry and WorkloadEntries, it returns the same
 * (frozen) MeshService objects, and whatever translation memoizes per service stays valid.
 */
import type { IstioObject, KubeService, ServicePort, WorkloadEntry } from '@tandem/api/istio';
import { resolveHost } from '../model/hostnames.ts';
import { labelsMatch, type MeshEndpoint, type MeshService, parseLocality } from '../model/mesh-service.ts';

type Of<K extends IstioObject['kind']> = Extract<IstioObject, { kind: K }>;

export function servicesFromConfig(objects: readonly IstioObject[]): MeshService[] {
  const byKind = groupByKind(objects);
  const workloads = indexWorkloads(byKind.WorkloadEntry);
  const out: MeshService[] = [];
  for (const se of byKind.ServiceEntry) out.push(...rememberedServices(se, selectedWorkloads(se, workloads)));
  for (const svc of byKind.Service)
    out.push(Object.freeze(fromKubeService(svc, byKind.Endpoints, byKind.EndpointSlice)));
  return out;
}

/** The services last built from a ServiceEntry, and the WorkloadEntries they were built with. */
const fromEntry = new WeakMap<
  Of<'ServiceEntry'>,
  { workloads: readonly Of<'WorkloadEntry'>[]; services: readonly MeshService[] }
>();

function rememberedServices(
  se: Of<'ServiceEntry'>,
  workloads: readonly Of<'WorkloadEntry'>[],
): readonly MeshService[] {
  const known = fromEntry.get(se);
  if (known !== undefined && sameItems(known.workloads, workloads)) return known.services;
  const services = fromServiceEntry(se, workloads).map((s) => Object.freeze(s));
  fromEntry.set(se, { workloads, services });
  return services;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** WorkloadEntries by `namespace` and by `namespace label=value`, in config order. */
type WorkloadIndex = Map<string, { entry: Of<'WorkloadEntry'>; labels: Record<string, string> }[]>;

function indexWorkloads(entries: readonly Of<'WorkloadEntry'>[]): WorkloadIndex {
  const index: WorkloadIndex = new Map();
  const add = (key: string, item: { entry: Of<'WorkloadEntry'>; labels: Record<string, string> }) => {
    const list = index.get(key);
    if (list === undefined) index.set(key, [item]);
    else list.push(item);
  };
  for (const entry of entries) {
    const item = { entry, labels: mergedLabels(entry) };
    add(entry.meta.namespace, item);
    for (const [k, v] of Object.entries(item.labels)) add(`${entry.meta.namespace} ${k}=${v}`, item);
  }
  return index;
}

/** The WorkloadEntries of the ServiceEntry's namespace its workloadSelector selects (none without one). */
function selectedWorkloads(se: Of<'ServiceEntry'>, index: WorkloadIndex): Of<'WorkloadEntry'>[] {
  const selector = se.spec.workloadSelector;
  if (selector === undefined) return [];
  const ns = se.meta.namespace;
  const first = Object.entries(selector)[0];
  const candidates = index.get(first === undefined ? ns : `${ns} ${first[0]}=${first[1]}`) ?? [];
  return candidates.filter((c) => labelsMatch(selector, c.labels)).map((c) => c.entry);
}

function groupByKind(objects: readonly IstioObject[]) {
  const g = {
    ServiceEntry: [] as Of<'ServiceEntry'>[],
    WorkloadEntry: [] as Of<'WorkloadEntry'>[],
    Service: [] as Of<'Service'>[],
    Endpoints: [] as Of<'Endpoints'>[],
    EndpointSlice: [] as Of<'EndpointSlice'>[],
  };
  for (const o of objects) {
    if (o.kind in g) (g[o.kind as keyof typeof g] as IstioObject[]).push(o);
  }
  return g;
}

function fromServiceEntry(se: Of<'ServiceEntry'>, selected: readonly Of<'WorkloadEntry'>[]): MeshService[] {
  const spec = se.spec;
  const ns = se.meta.namespace;
  const entries: WorkloadEntry[] =
    spec.workloadSelector !== undefined
      ? selected.map((w) => ({ ...w.spec, labels: mergedLabels(w) }))
      : spec.endpoints;
  return spec.hosts.map((h) => ({
    hostname: resolveHost(h, ns),
    namespace: ns,
    ports: spec.ports,
    resolution: spec.resolution === 'DNS_ROUND_ROBIN' ? 'DNS_ROUND_ROBIN' : spec.resolution,
    location: spec.location,
    addresses: spec.addresses,
    endpoints: entries.map((e) => endpointOf(e, spec.ports, ns)),
    exportTo: spec.exportTo.length > 0 ? spec.exportTo : ['*'],
    declaredBy: `ServiceEntry ${ns}/${se.meta.name}`,
  }));
}

/** A WorkloadEntry's labels include its metadata labels (Istio merges them). */
function mergedLabels(w: Of<'WorkloadEntry'>): Record<string, string> {
  return { ...w.meta.labels, ...w.spec.labels };
}

function endpointOf(e: WorkloadEntry, ports: readonly ServicePort[], namespace: string): MeshEndpoint {
  const mapped: Record<string, number> = {};
  for (const p of ports) mapped[p.name] = e.ports[p.name] ?? (p.targetPort || p.number);
  return {
    address: e.address,
    ports: mapped,
    labels: e.labels,
    locality: parseLocality(e.locality),
    weight: e.weight > 0 ? e.weight : 1,
    serviceAccount: e.serviceAccount,
    namespace,
    healthy: true,
  };
}

function fromKubeService(
  svc: Of<'Service'>,
  endpoints: readonly Of<'Endpoints'>[],
  slices: readonly Of<'EndpointSlice'>[],
): MeshService {
  const ns = svc.meta.namespace;
  const ports = kubePorts(svc.spec);
  const eps = endpoints.find((e) => e.meta.namespace === ns && e.meta.name === svc.meta.name);
  const mySlices = slices.filter((s) => s.meta.namespace === ns && s.spec.serviceName === svc.meta.name);
  const list: MeshEndpoint[] = [];
  if (mySlices.length > 0) {
    for (const s of mySlices) {
      for (const ep of s.spec.endpoints) {
        for (const address of ep.addresses) {
          list.push(
            kubeEndpoint(
              address,
              ports,
              (name) => s.spec.ports.find((p) => p.name === name)?.port,
              ns,
              ep.ready,
              ep.zone,
            ),
          );
        }
      }
    }
  } else if (eps !== undefined) {
    for (const subset of eps.spec.subsets) {
      const portOf = (name: string) => subset.ports.find((p) => p.name === name)?.port;
      for (const a of subset.addresses) list.push(kubeEndpoint(a.ip, ports, portOf, ns, true, ''));
      for (const a of subset.notReadyAddresses) list.push(kubeEndpoint(a.ip, ports, portOf, ns, false, ''));
    }
  }
  const external = svc.spec.type === 'ExternalName';
  return {
    hostname: resolveHost(svc.meta.name, ns),
    namespace: ns,
    ports,
    resolution: external ? 'DNS' : 'STATIC',
    location: 'MESH_INTERNAL',
    addresses: svc.spec.clusterIP && svc.spec.clusterIP !== 'None' ? [svc.spec.clusterIP] : [],
    endpoints: external ? [kubeEndpoint(svc.spec.externalName, ports, () => undefined, ns, true, '')] : list,
    exportTo: ['*'],
    declaredBy: `Service ${ns}/${svc.meta.name}`,
  };
}

function kubePorts(spec: KubeService): ServicePort[] {
  return spec.ports
    .filter((p) => p.protocol === 'TCP')
    .map((p) => ({
      number: p.port,
      name: p.name,
      protocol: p.meshProtocol,
      targetPort: typeof p.targetPort === 'number' ? p.targetPort : 0,
    }));
}

function kubeEndpoint(
  address: string,
  ports: readonly ServicePort[],
  portOf: (name: string) => number | undefined,
  namespace: string,
  ready: boolean,
  zone: string,
): MeshEndpoint {
  const mapped: Record<string, number> = {};
  for (const p of ports) mapped[p.name] = portOf(p.name) ?? (p.targetPort || p.number);
  return {
    address,
    ports: mapped,
    labels: {},
    locality: { region: '', zone, subZone: '' },
    weight: 1,
    serviceAccount: '',
    namespace,
    healthy: ready,
  };
}
