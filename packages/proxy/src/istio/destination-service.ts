/**
 * The destination service labels Istio derives for a request: on the client side from the
 * upstream cluster (`outbound|<port>|<subset>|<host>`), on the server side from the authority
 * the client used, completed with the local namespace as Kubernetes DNS would.
 */
export interface DestinationService {
  /** FQDN, e.g. `reviews.default.svc.cluster.local`. */
  readonly host: string;
  readonly name: string;
  readonly namespace: string;
}

export const UNKNOWN_SERVICE: DestinationService = { host: 'unknown', name: 'unknown', namespace: 'unknown' };

export function serviceFromCluster(cluster: string): DestinationService {
  if (cluster === '') return UNKNOWN_SERVICE;
  const parts = cluster.split('|');
  if (parts.length === 4 && (parts[0] === 'outbound' || parts[0] === 'inbound') && parts[3] !== '')
    return serviceFromHost(parts[3]!, 'unknown');
  if (parts.length === 4) return UNKNOWN_SERVICE;
  return { host: cluster, name: cluster, namespace: 'unknown' };
}

/** `web:8080` -> `web.<ns>.svc.cluster.local`; `a.b.svc.cluster.local:80` -> itself. */
export function serviceFromAuthority(authority: string, localNamespace: string): DestinationService {
  let host = authority;
  if (host.startsWith('[')) return UNKNOWN_SERVICE;
  const colon = host.lastIndexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  if (host === '' || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return UNKNOWN_SERVICE;
  host = host.toLowerCase();
  const labels = host.split('.');
  if (labels.length === 1) return serviceFromHost(`${host}.${localNamespace}.svc.cluster.local`, 'unknown');
  if (labels.length === 2) return serviceFromHost(`${host}.svc.cluster.local`, 'unknown');
  return serviceFromHost(host, 'unknown');
}

function serviceFromHost(host: string, fallbackNamespace: string): DestinationService {
  const labels = host.split('.');
  if (labels.length >= 3 && labels[2] === 'svc') return { host, name: labels[0]!, namespace: labels[1]! };
  return { host, name: host, namespace: fallbackNamespace };
}
