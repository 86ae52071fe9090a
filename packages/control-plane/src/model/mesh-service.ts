/**
 * The control plane's view of a service, whatever declared it (ServiceEntry + WorkloadEntry, or a
 * Kubernetes Service + Endpoints/EndpointSlice): a fully qualified hostname, its ports, how it
 * resolves, and its endpoints with the labels subsets select on.
 */
import type { ServicePort } from '@tandem/api/istio';

export interface Locality {
  region: string;
  zone: string;
  subZone: string;
}

export interface MeshEndpoint {
  /** IP address, or a DNS name for DNS-resolved services. */
  address: string;
  /** Service port name -> port on the endpoint (the target port). */
  ports: Readonly<Record<string, number>>;
  labels: Readonly<Record<string, string>>;
  locality: Locality;
  /** Load balancing weight, at least 1. */
  weight: number;
  serviceAccount: string;
  namespace: string;
  /** False for not-ready Kubernetes endpoints. */
  healthy: boolean;
}

export interface MeshService {
  /** Fully qualified, e.g. `reviews.default.svc.cluster.local`. */
  hostname: string;
  namespace: string;
  ports: readonly ServicePort[];
  /** STATIC: endpoints are IPs (served over EDS); DNS: endpoints are names; NONE: passthrough. */
  resolution: 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' | 'NONE';
  location: 'MESH_INTERNAL' | 'MESH_EXTERNAL';
  /** Virtual IPs (Kubernetes clusterIP, ServiceEntry addresses). */
  addresses: readonly string[];
  endpoints: readonly MeshEndpoint[];
  /** `*` (default), `.` (own namespace) or namespace names. */
  exportTo: readonly string[];
  /** `ServiceEntry ns/name` or `Service ns/name`, for messages. */
  declaredBy: string;
}

export const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subZone: '' });

/** `region/zone/subzone` as Istio writes localities. */
export function parseLocality(text: string): Locality {
  if (text === '') return NO_LOCALITY;
  const [region = '', zone = '', subZone = ''] = text.split('/');
  return { region, zone, subZone };
}

/** Whether every label of `selector` is present on `labels` with the same value. */
export function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}
