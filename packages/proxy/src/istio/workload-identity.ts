/**
 * Who this proxy's workload is, for Istio's metric labels and span tags, read once at startup
 * from the bootstrap node (Istio's metadata: NAMESPACE, LABELS, WORKLOAD_NAME, CLUSTER_ID,
 * MESH_ID, SERVICE_ACCOUNT), and the same facts about a peer, decoded from its exchanged metadata.
 */
import type { NodeInfo } from '@tandem/api/envoy';
import { decodePeerStruct, encodePeerStruct, type PeerStruct } from './peer-struct.ts';

export interface WorkloadIdentity {
  readonly workload: string;
  readonly namespace: string;
  /** Canonical service (`service.istio.io/canonical-name`, else `app`). */
  readonly app: string;
  /** Canonical revision (`service.istio.io/canonical-revision`, else `version`). */
  readonly version: string;
  readonly cluster: string;
  readonly meshId: string;
  /**
   * SPIFFE identity; "unknown" until mTLS supplies the verified peer certificate. The security
   * work fills this in for peers from the TLS session (see `PeerIdentitySource`), never from
   * headers, which a client could forge.
   */
  readonly principal: string;
}

export const UNKNOWN_WORKLOAD: WorkloadIdentity = Object.freeze({
  workload: 'unknown',
  namespace: 'unknown',
  app: 'unknown',
  version: 'unknown',
  cluster: 'unknown',
  meshId: 'unknown',
  principal: 'unknown',
});

export function identityFromNode(node: NodeInfo): WorkloadIdentity {
  const md = node.metadata;
  const labels = stringMap(md['LABELS']);
  const idParts = node.id.split('~');
  const podDotNs = idParts.length === 4 ? idParts[2]! : '';
  const dot = podDotNs.lastIndexOf('.');
  const namespace = str(md['NAMESPACE']) || (dot > 0 ? podDotNs.slice(dot + 1) : '');
  return identityFrom({
    workload: str(md['WORKLOAD_NAME']) || labels['app'] || (dot > 0 ? podDotNs.slice(0, dot) : ''),
    namespace,
    labels,
    cluster: str(md['CLUSTER_ID']),
    meshId: str(md['MESH_ID']),
  });
}

/** The metadata this proxy sends its peers (Istio's field names). */
export function peerStructOf(id: WorkloadIdentity, nodeLabels: Record<string, string>): PeerStruct {
  const labels: PeerStruct = { ...nodeLabels };
  labels['service.istio.io/canonical-name'] = id.app;
  labels['service.istio.io/canonical-revision'] = id.version;
  return {
    NAMESPACE: id.namespace,
    WORKLOAD_NAME: id.workload,
    CLUSTER_ID: id.cluster,
    MESH_ID: id.meshId,
    LABELS: labels,
  };
}

export function encodePeerMetadata(struct: PeerStruct): string {
  return encodePeerStruct(struct).toString('base64');
}

/** A peer's identity from its `x-envoy-peer-metadata` value; undefined if it does not decode. */
export function decodePeerMetadata(base64: string): WorkloadIdentity | undefined {
  try {
    const s = decodePeerStruct(Buffer.from(base64, 'base64'));
    const labels = typeof s['LABELS'] === 'object' ? (s['LABELS'] as Record<string, string>) : {};
    return identityFrom({
      workload: str(s['WORKLOAD_NAME']) || str(s['NAME']),
      namespace: str(s['NAMESPACE']),
      labels: Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')),
      cluster: str(s['CLUSTER_ID']),
      meshId: str(s['MESH_ID']),
    });
  } catch {
    return undefined;
  }
}

export function nodeLabels(node: NodeInfo): Record<string, string> {
  return stringMap(node.metadata['LABELS']);
}

function identityFrom(f: {
  workload: string;
  namespace: string;
  labels: Record<string, string>;
  cluster: string;
  meshId: string;
}): WorkloadIdentity {
  const l = f.labels;
  return Object.freeze({
    workload: f.workload || 'unknown',
    namespace: f.namespace || 'unknown',
    app: l['service.istio.io/canonical-name'] || l['app.kubernetes.io/name'] || l['app'] || 'unknown',
    version:
      l['service.istio.io/canonical-revision'] || l['app.kubernetes.io/version'] || l['version'] || 'unknown',
    cluster: f.cluster || 'unknown',
    meshId: f.meshId || 'unknown',
    principal: 'unknown',
  });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function stringMap(v: unknown): Record<string, string> {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch {
      return {};
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) if (typeof val === 'string') out[k] = val;
  return out;
}
