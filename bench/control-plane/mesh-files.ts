/**
 * The generated mesh as Istio YAML in a config directory, laid out the way a GitOps repository
 * often is: a folder per namespace, per service one file with its ServiceEntry, DestinationRule
 * and VirtualService (`svc-N.yaml`) and one with its WorkloadEntries (`svc-N-workloads.yaml`), and
 * the namespace's Sidecar when scoping is on. The two changes the bench measures rewrite these
 * files: one WorkloadEntry's address (an endpoint change) and every VirtualService (a full change).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchService, type MeshModel, namespaceName } from './mesh-model.ts';

/** What the files currently say beyond the model: the routing revision and moved workloads. */
export interface MeshRevision {
  /** Set as header `x-bench-rev: rev-<n>` on every VirtualService route. */
  readonly routes: number;
  /** Workload name -> address replacing the generated one. */
  readonly addresses: ReadonlyMap<string, string>;
}

export const INITIAL_REVISION: MeshRevision = { routes: 1, addresses: new Map() };

/** The text of the route revision marker as it appears in encoded RouteConfigurations. */
export function routeMarker(revision: number): string {
  return `rev-${revision}`;
}

/** Writes every file of the mesh into `dir`. */
export function writeMeshConfig(dir: string, model: MeshModel, revision = INITIAL_REVISION): void {
  for (let k = 0; k < model.shape.namespaces; k++) {
    mkdirSync(join(dir, namespaceName(k)), { recursive: true });
    if (model.shape.scoping === 'sidecar')
      writeFileSync(join(dir, namespaceName(k), 'sidecar.yaml'), sidecarYaml(k, model.shape.namespaces));
  }
  for (const service of model.services) {
    writeServiceFile(dir, service, revision);
    writeWorkloadsFile(dir, service, revision);
  }
}

export function serviceFile(dir: string, service: BenchService): string {
  return join(dir, service.namespace, `${service.name}.yaml`);
}

export function workloadsFile(dir: string, service: BenchService): string {
  return join(dir, service.namespace, `${service.name}-workloads.yaml`);
}

export function writeServiceFile(dir: string, service: BenchService, revision: MeshRevision): void {
  writeFileSync(serviceFile(dir, service), serviceYaml(service, revision.routes));
}

export function writeWorkloadsFile(dir: string, service: BenchService, revision: MeshRevision): void {
  writeFileSync(workloadsFile(dir, service), workloadsYaml(service, revision.addresses));
}

function sidecarYaml(k: number, namespaces: number): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: ${namespaceName(k)} }
spec:
  egress:
    - hosts: ["./*", "${namespaceName((k + 1) % namespaces)}/*"]
`;
}

export function serviceYaml(s: BenchService, routeRevision: number): string {
  const ports = [
    '    - { number: 8080, name: http, protocol: HTTP }',
    ...(s.grpcPort ? ['    - { number: 9090, name: grpc, protocol: GRPC }'] : []),
  ].join('\n');
  const entry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${s.name}, namespace: ${s.namespace} }
spec:
  hosts: [${s.hostname}]
  addresses: [${s.vip}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
${ports}
  workloadSelector: { labels: { app: ${s.name} } }
`;
  const rule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${s.name}, namespace: ${s.namespace} }
spec:
  host: ${s.hostname}
  trafficPolicy:
    loadBalancer: { simple: LEAST_REQUEST }
    connectionPool:
      tcp: { connectTimeout: 2s }
      http: { http1MaxPendingRequests: 1024, idleTimeout: 60s }
    outlierDetection: { consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s }
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
`;
  const docs = [entry, rule];
  if (s.virtualService) docs.push(virtualServiceYaml(s, routeRevision));
  return docs.join('---\n');
}

function virtualServiceYaml(s: BenchService, routeRevision: number): string {
  const rev = `headers: { request: { set: { x-bench-rev: "${routeMarker(routeRevision)}" } } }`;
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${s.name}, namespace: ${s.namespace} }
spec:
  hosts: [${s.hostname}]
  http:
    - name: canary-user
      match: [{ headers: { end-user: { exact: jason } } }]
      route: [{ destination: { host: ${s.hostname}, subset: v2 } }]
      ${rev}
    - name: split
      route:
        - { destination: { host: ${s.hostname}, subset: v1 }, weight: 90 }
        - { destination: { host: ${s.hostname}, subset: v2 }, weight: 10 }
      timeout: 5s
      retries: { attempts: 2, perTryTimeout: 2s, retryOn: "5xx,reset" }
      ${rev}
`;
}

export function workloadsYaml(s: BenchService, addresses: ReadonlyMap<string, string>): string {
  return s.workloads
    .map(
      (w) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: ${w.name}
  namespace: ${s.namespace}
spec:
  address: ${addresses.get(w.name) ?? w.address}
  labels: { app: ${s.name}, version: ${w.version} }
  serviceAccount: ${s.name}
  locality: ${w.locality}
`,
    )
    .join('---\n');
}
