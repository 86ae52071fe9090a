/**
 * Workloads that register themselves through their sidecar: Tandem's local mode (`tandem run`,
 * `tandem up`), where nothing like Kubernetes tells the control plane what runs where. A sidecar
 * whose node metadata carries TANDEM_WORKLOAD is a member of the mesh for as long as its ADS
 * stream is open (Istio's WorkloadGroup auto-registration works the same way):
 *
 *   TANDEM_WORKLOAD: { service: "reviews", serviceAddress: "10.90.0.3",
 *                      ports: [{ name: "http", port: 9080, protocol: "HTTP",
 *                                endpointPort: 41000, targetPort: 41001 }] }
 *
 * `port` is the service port clients use (`http://reviews:9080`), `endpointPort` the sidecar's
 * inbound listener (what other sidecars connect to) and `targetPort` the application's own port.
 * `serviceAddress` (optional) is the service's virtual IP, as `tandem up --transparent` allocates
 * it: the generated ServiceEntry lists it in `addresses`, which is what lets a REDIRECT-mode sidecar
 * recognise a connection to `reviews` by its destination address (Istio's ClusterIP).
 * Namespace, labels, service account and address come from the usual Istio metadata (NAMESPACE,
 * LABELS, SERVICE_ACCOUNT, INSTANCE_IPS, default 127.0.0.1).
 *
 * Each registration becomes a WorkloadEntry, and each registered service a ServiceEntry selecting
 * its WorkloadEntries by the label `tandem.dev/service` — unless the user's config already
 * declares that host, in which case the user's object wins and only the WorkloadEntry is added.
 * The generated objects go through the same validation as files, so a bad registration is
 * refused with the same kind of message.
 */

import { isIP } from 'node:net';
import { type IstioIssue, validateIstioObject } from '@tandem/api';
import type { IstioObject } from '@tandem/api/istio';
import { resolveHost } from '../model/hostnames.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { TLS_MODE_LABEL } from '../translate/auto-mtls.ts';

export const WORKLOAD_METADATA = 'TANDEM_WORKLOAD';
export const SERVICE_LABEL = 'tandem.dev/service';

const PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'HTTPS'];

export interface RegisteredPort {
  name: string;
  /** The service port clients address. */
  port: number;
  protocol: string;
  /** The sidecar's inbound listener port: the endpoint other proxies connect to. */
  endpointPort: number;
  /** The application's port, behind the sidecar. */
  targetPort: number;
}

export interface WorkloadRegistration {
  service: string;
  /** The service's virtual IP (transparent mode), when the registration names one. */
  serviceAddress?: string;
  namespace: string;
  /** The instance name (WorkloadEntry name). */
  name: string;
  address: string;
  labels: Record<string, string>;
  serviceAccount: string;
  ports: RegisteredPort[];
}

export type RegistrationParse =
  | { kind: 'none' }
  | { kind: 'ok'; registration: WorkloadRegistration }
  | { kind: 'invalid'; reason: string };

/** Reads TANDEM_WORKLOAD from a proxy's metadata. */
export function parseRegistration(info: ProxyInfo): RegistrationParse {
  const raw = info.metadata[WORKLOAD_METADATA];
  if (raw === undefined) return { kind: 'none' };
  const value = typeof raw === 'string' ? tryJson(raw) : raw;
  if (!isRecord(value)) return invalid('must be an object with "service" and "ports"');
  const service = value['service'];
  if (typeof service !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service))
    return invalid(`service: "${String(service)}" is not a DNS-1123 label`);
  const serviceAddress = value['serviceAddress'];
  if (serviceAddress !== undefined && (typeof serviceAddress !== 'string' || isIP(serviceAddress) === 0))
    return invalid(`serviceAddress: ${JSON.stringify(serviceAddress)} is not an IP address`);
  const portsRaw = value['ports'];
  if (!Array.isArray(portsRaw) || portsRaw.length === 0)
    return invalid('ports: at least one port is required');
  const ports: RegisteredPort[] = [];
  for (const [i, p] of portsRaw.entries()) {
    if (!isRecord(p)) return invalid(`ports[${i}]: must be an object`);
    for (const field of ['port', 'endpointPort', 'targetPort'] as const) {
      const n = p[field];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
        return invalid(`ports[${i}].${field}: ${JSON.stringify(n)} is not a port number (1-65535)`);
    }
    const protocol = typeof p['protocol'] === 'string' ? p['protocol'].toUpperCase() : 'HTTP';
    if (!PROTOCOLS.includes(protocol))
      return invalid(`ports[${i}].protocol: "${protocol}" is not one of ${PROTOCOLS.join(', ')}`);
    const name =
      typeof p['name'] === 'string' && p['name'] !== ''
        ? p['name']
        : `${protocol.toLowerCase()}-${p['port']}`;
    ports.push({
      name,
      port: p['port'] as number,
      protocol,
      endpointPort: p['endpointPort'] as number,
      targetPort: p['targetPort'] as number,
    });
  }
  return {
    kind: 'ok',
    registration: {
      service,
      ...(serviceAddress === undefined ? {} : { serviceAddress }),
      namespace: info.namespace,
      name: info.workloadName || info.podName || service,
      address: info.ips[0] ?? '127.0.0.1',
      // A registered workload has a sidecar by definition: Istio's mark for it turns on auto mTLS.
      labels: { ...info.labels, [SERVICE_LABEL]: service, [TLS_MODE_LABEL]: 'istio' },
      serviceAccount: info.serviceAccount,
      ports,
    },
  };
}

export interface RegistrationObjects {
  objects: IstioObject[];
  /** Problems with one registration (it contributes nothing). */
  rejected: { key: string; issues: IstioIssue[] }[];
}

/**
 * The config objects for the current registrations. `declared` is the user's config: a host it
 * declares gets no generated ServiceEntry. Pure and deterministic (sorted by key).
 */
export function registrationObjects(
  registrations: ReadonlyMap<string, WorkloadRegistration>,
  declared: readonly IstioObject[],
): RegistrationObjects {
  const declaredHosts = new Set<string>();
  for (const o of declared) {
    if (o.kind === 'ServiceEntry')
      for (const h of o.spec.hosts) declaredHosts.add(resolveHost(h, o.meta.namespace));
    if (o.kind === 'Service') declaredHosts.add(`${o.meta.name}.${o.meta.namespace}.svc.cluster.local`);
  }
  const out: RegistrationObjects = { objects: [], rejected: [] };
  const services = new Map<
    string,
    { namespace: string; service: string; ports: Map<number, RegisteredPort>; addresses: Set<string> }
  >();
  for (const key of [...registrations.keys()].sort()) {
    const r = registrations.get(key)!;
    const entry = validateIstioObject(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: r.name, namespace: r.namespace, labels: r.labels },
        spec: {
          address: r.address,
          ports: Object.fromEntries(r.ports.map((p) => [p.name, p.endpointPort])),
          labels: r.labels,
          serviceAccount: r.serviceAccount,
        },
      },
      `registration of proxy ${key}`,
    );
    if (!entry.ok) {
      out.rejected.push({ key, issues: entry.errors });
      continue;
    }
    out.objects.push(entry.object);
    const id = `${r.namespace}/${r.service}`;
    let svc = services.get(id);
    if (svc === undefined)
      services.set(
        id,
        (svc = { namespace: r.namespace, service: r.service, ports: new Map(), addresses: new Set() }),
      );
    for (const p of r.ports) if (!svc.ports.has(p.port)) svc.ports.set(p.port, p);
    // Instances that disagree (they should not) all stay reachable: every address is captured.
    if (r.serviceAddress !== undefined) svc.addresses.add(r.serviceAddress);
  }
  for (const id of [...services.keys()].sort()) {
    const svc = services.get(id)!;
    const host = `${svc.service}.${svc.namespace}.svc.cluster.local`;
    if (declaredHosts.has(host)) continue;
    const se = validateIstioObject(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: svc.service, namespace: svc.namespace },
        spec: {
          hosts: [host],
          ...(svc.addresses.size === 0 ? {} : { addresses: [...svc.addresses].sort() }),
          location: 'MESH_INTERNAL',
          resolution: 'STATIC',
          ports: [...svc.ports.values()]
            .sort((a, b) => a.port - b.port)
            .map((p) => ({ number: p.port, name: p.name, protocol: p.protocol })),
          workloadSelector: { labels: { [SERVICE_LABEL]: svc.service } },
        },
      },
      `registered service ${id}`,
    );
    if (se.ok) out.objects.push(se.object);
    else out.rejected.push({ key: id, issues: se.errors });
  }
  return out;
}

function invalid(reason: string): RegistrationParse {
  return { kind: 'invalid', reason: `${WORKLOAD_METADATA}: ${reason}` };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
