/**
 * The mesh the control-plane bench generates, as data: services (ServiceEntry + WorkloadEntries +
 * DestinationRule with subsets, a VirtualService for some), their namespaces, and the xDS clients
 * that stand for workloads of those services. Pure; `mesh-files.ts` renders it as Istio YAML.
 */

export type Scoping = 'none' | 'sidecar';

export interface MeshShape {
  readonly services: number;
  readonly endpointsPerService: number;
  readonly namespaces: number;
  readonly clients: number;
  /** How many of the clients speak delta xDS (the rest state of the world). */
  readonly deltaClients: number;
  /**
   * `none`: every proxy sees every service (Istio's default). `sidecar`: a Sidecar per namespace
   * limits egress to the namespace itself and the next one (`./*`, `ns-<k+1>/*`).
   */
  readonly scoping: Scoping;
  /** Every n-th service has a VirtualService (header match to v2, 90/10 split, timeout, retries). */
  readonly virtualServiceEvery: number;
  /** Every n-th service also has a gRPC port 9090 next to HTTP 8080. */
  readonly grpcPortEvery: number;
}

export interface BenchWorkload {
  readonly name: string;
  readonly address: string;
  readonly version: 'v1' | 'v2';
  readonly locality: string;
}

export interface BenchService {
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  readonly namespaceIndex: number;
  readonly hostname: string;
  readonly vip: string;
  readonly grpcPort: boolean;
  readonly virtualService: boolean;
  readonly workloads: readonly BenchWorkload[];
}

export interface BenchClient {
  readonly index: number;
  readonly protocol: 'sotw' | 'delta';
  /** Istio sidecar node id: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
  readonly nodeId: string;
  readonly namespace: string;
  readonly namespaceIndex: number;
  readonly service: BenchService;
  readonly workload: BenchWorkload;
}

export interface MeshModel {
  readonly shape: MeshShape;
  readonly services: readonly BenchService[];
  readonly clients: readonly BenchClient[];
}

export function namespaceName(index: number): string {
  return `ns-${index}`;
}

export function buildMeshModel(shape: MeshShape): MeshModel {
  const services: BenchService[] = [];
  for (let i = 0; i < shape.services; i++) services.push(buildService(shape, i));
  const clients: BenchClient[] = [];
  for (let c = 0; c < shape.clients; c++) {
    const service = services[c % services.length]!;
    const workload = service.workloads[Math.floor(c / services.length) % service.workloads.length]!;
    clients.push({
      index: c,
      // Spread the delta clients over the whole range of services.
      protocol: isDeltaClient(c, shape) ? 'delta' : 'sotw',
      nodeId: `sidecar~${workload.address}~${workload.name}.${service.namespace}~${service.namespace}.svc.cluster.local`,
      namespace: service.namespace,
      namespaceIndex: service.namespaceIndex,
      service,
      workload,
    });
  }
  return { shape, services, clients };
}

function isDeltaClient(c: number, shape: MeshShape): boolean {
  if (shape.deltaClients <= 0) return false;
  const stride = Math.max(1, Math.floor(shape.clients / shape.deltaClients));
  return c % stride === stride - 1 && Math.floor(c / stride) < shape.deltaClients;
}

function buildService(shape: MeshShape, i: number): BenchService {
  const namespaceIndex = i % shape.namespaces;
  const namespace = namespaceName(namespaceIndex);
  const name = `svc-${i}`;
  const workloads: BenchWorkload[] = [];
  for (let j = 0; j < shape.endpointsPerService; j++) {
    workloads.push({
      name: `${name}-${j}`,
      address: workloadAddress(i, j),
      // Two of three replicas run v1, one v2 (so both subsets have endpoints).
      version: j % 3 === 2 ? 'v2' : 'v1',
      locality: `region-1/zone-${j % 3}`,
    });
  }
  return {
    index: i,
    name,
    namespace,
    namespaceIndex,
    hostname: `${name}.${namespace}.svc.cluster.local`,
    vip: `240.240.${(i >> 8) & 255}.${i & 255}`,
    grpcPort: i % shape.grpcPortEvery === 0,
    virtualService: i % shape.virtualServiceEvery === 0,
    workloads,
  };
}

/** 10.<1 + i/256>.<i%256>.<10 + j>: unique per (service, replica) up to 60,000 services. */
function workloadAddress(service: number, replica: number): string {
  return `10.${1 + (service >> 8)}.${service & 255}.${10 + replica}`;
}

/** The namespaces whose services a proxy in `namespaceIndex` sees (all of them without scoping). */
export function visibleNamespaces(shape: MeshShape, namespaceIndex: number): ReadonlySet<number> {
  if (shape.scoping === 'none') return new Set(Array.from({ length: shape.namespaces }, (_, k) => k));
  return new Set([namespaceIndex, (namespaceIndex + 1) % shape.namespaces]);
}

/** The clients whose config includes `service`: those a change to it must reach. */
export function clientsSeeing(model: MeshModel, service: BenchService): BenchClient[] {
  return model.clients.filter((client) =>
    visibleNamespaces(model.shape, client.namespaceIndex).has(service.namespaceIndex),
  );
}
