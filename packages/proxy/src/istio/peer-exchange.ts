/**
 * Istio's HTTP metadata exchange between sidecars. The client sidecar adds its own metadata to
 * the request (`x-envoy-peer-metadata`, base64 protobuf Struct, and `x-envoy-peer-metadata-id`,
 * its node id); the server sidecar strips them before the application sees the request, and
 * answers with its own pair on the response, which the client sidecar strips in turn. Each side
 * thus learns the peer's workload, namespace and canonical labels without asking the control
 * plane. The proxy's own pair is encoded once at startup; a peer's is decoded once and cached by
 * its id (bounded), so the request path does one map lookup.
 */
import type { HeaderMap } from '../http/header-map.ts';
import { decodePeerMetadata, UNKNOWN_WORKLOAD, type WorkloadIdentity } from './workload-identity.ts';

export const PEER_METADATA = 'x-envoy-peer-metadata';
export const PEER_METADATA_ID = 'x-envoy-peer-metadata-id';
const MAX_PEERS = 1024;

export class PeerExchange {
  readonly localId: string;
  readonly localMetadata: string;
  private readonly peers = new Map<string, WorkloadIdentity>();
  /** One object per distinct identity, so that series keyed by peer never repeat labels. */
  private readonly interned = new Map<string, WorkloadIdentity>();

  constructor(localId: string, localMetadata: string) {
    this.localId = localId;
    this.localMetadata = localMetadata;
  }

  /** Adds this proxy's metadata to outgoing headers. */
  announce(h: HeaderMap): void {
    h.set(PEER_METADATA_ID, this.localId);
    h.set(PEER_METADATA, this.localMetadata);
  }

  /**
   * Reads and removes the peer's metadata from incoming headers; returns the peer's identity (the
   * same object for the same identity), or UNKNOWN_WORKLOAD when there is none.
   */
  take(h: HeaderMap): WorkloadIdentity {
    const l = h.list;
    let id: string | undefined;
    let md: string | undefined;
    for (let i = 0; i < l.length; i += 2) {
      const name = l[i]!;
      if (name.length < 21 || name.charCodeAt(0) !== 120 /* x */) continue;
      if (name === PEER_METADATA_ID) id = l[i + 1];
      else if (name === PEER_METADATA) md = l[i + 1];
      else continue;
      l.splice(i, 2);
      i -= 2;
    }
    if (md === undefined) return UNKNOWN_WORKLOAD;
    const key = id ?? md;
    let peer = this.peers.get(key);
    if (peer === undefined) {
      if (this.peers.size >= MAX_PEERS) return UNKNOWN_WORKLOAD;
      peer = this.intern(decodePeerMetadata(md) ?? UNKNOWN_WORKLOAD);
      this.peers.set(key, peer);
    }
    return peer;
  }

  private intern(id: WorkloadIdentity): WorkloadIdentity {
    if (id === UNKNOWN_WORKLOAD) return id;
    const key = `${id.workload}\n${id.namespace}\n${id.app}\n${id.version}\n${id.cluster}\n${id.principal}`;
    const known = this.interned.get(key);
    if (known !== undefined) return known;
    this.interned.set(key, id);
    return id;
  }
}
