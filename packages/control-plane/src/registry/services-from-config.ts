/**
 * Builds MeshServices from config objects: ServiceEntry (with inline endpoints, or a
 * workloadSelector over WorkloadEntries of its namespace) and Kubernetes Service with its
 * Endpoints or EndpointSlices. Pure: same objects in, same services out.
 */
import type { IstioObject, KubeService, ServicePort, WorkloadEntry } from '@tandem/api/istio';
import { resolveHost } from '../model/hostnames.ts';
import { labelsMatch, type MeshEndpoint, type MeshService, parseLocality } from '../model/mesh-service.ts';

type Of<K extends IstioObject['kind']> = Extract<IstioObject, { kind: K }>;

export function servicesFromConfig(objects: readonly IstioObject[]): MeshService[] {
  const byKind = groupByKind(objects);
  const out: MeshService[] = [];
  for (const se of byKind.ServiceEntry) out.push(...fromServiceEntry(se, byKind.WorkloadEntry));
  for (const svc of byKind.Service) out.push(fromKubeService(svc, byKind.Endpoints, byKind.EndpointSlice));
  return out;
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

function fromServiceEntry(
  se: Of<'ServiceEntry'>,
  workloadEntries: readonly Of<'WorkloadEntry'>[],
): MeshService[] {
  const spec = se.spec;
  const ns = se.meta.namespace;
  const entries: WorkloadEntry[] =
    spec.workloadSelector !== undefined
      ? workloadEntries
          .filter((w) => w.meta.namespace === ns && labelsMatch(spec.workloadSelector!, mergedLabels(w)))
          .map((w) => ({ ...w.spec, labels: mergedLabels(w) }))
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
