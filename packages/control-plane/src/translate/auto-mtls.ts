/**
 * Auto mTLS: a sidecar originates mutual TLS to an endpoint that has a sidecar of its own, and plaintext to
 * the others, per endpoint (Istio marks such endpoints with `security.istio.io/tlsMode: istio` and matches on
 * it). An endpoint has a sidecar when it carries that label, or when a Sidecar resource selecting its labels
 * declares an ingress listener on its port (Tandem's local mode, where workloads are declared in
 * ServiceEntries). A destination whose PeerAuthentication disables mTLS for that port gets plaintext.
 */
import { labelsMatch, type MeshEndpoint, type MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import { internedToken, perObject } from './memo.ts';
import { effectiveMtlsMode } from './peer-authentication.ts';

export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
/** The endpoint metadata key clusters match their mTLS transport socket on. */
export const TLS_MODE_MATCH = { tlsMode: 'istio' } as const;

export function endpointHasSidecar(
  snapshot: MeshSnapshot,
  service: MeshService,
  ep: MeshEndpoint,
  port: number,
): boolean {
  const mode = ep.labels[TLS_MODE_LABEL];
  if (mode !== undefined) return mode === 'istio';
  const ns = ep.namespace || service.namespace;
  return snapshot.sidecars.some(
    (s) =>
      s.ref.namespace === ns &&
      s.spec.workloadSelector !== undefined &&
      labelsMatch(s.spec.workloadSelector, ep.labels) &&
      s.spec.ingress.some((i) => i.port.number === port),
  );
}

/** Whether a sidecar sends mTLS to this endpoint (on its target `port`) when no DestinationRule says otherwise. */
export function autoMtlsTo(
  snapshot: MeshSnapshot,
  service: MeshService,
  ep: MeshEndpoint,
  port: number,
): boolean {
  if (!snapshot.security.mtls || service.location !== 'MESH_INTERNAL') return false;
  if (!endpointHasSidecar(snapshot, service, ep, port)) return false;
  return effectiveMtlsMode(snapshot, ep.namespace || service.namespace, ep.labels, port) !== 'DISABLE';
}

/** SPIFFE IDs of the endpoints' service accounts (only endpoints that declare one). */
export function endpointIdentities(
  snapshot: MeshSnapshot,
  service: MeshService,
  eps: readonly MeshEndpoint[],
): string[] {
  const ids = new Set<string>();
  for (const ep of eps)
    if (ep.serviceAccount !== '')
      ids.add(
        `spiffe://${snapshot.security.trustDomain}/ns/${ep.namespace || service.namespace}/sa/${ep.serviceAccount}`,
      );
  return [...ids].sort();
}

/**
 * Everything of the snapshot that auto mTLS and endpoint identities read besides the service itself
 * (security settings, Sidecars, PeerAuthentications), as one memo input: a cluster or endpoint
 * assignment memoized with it is rebuilt when any of them changes.
 */
export function mtlsInputs(snapshot: MeshSnapshot): object {
  return perObject(snapshot, 'mtls-inputs', () => {
    const { mtls, trustDomain, rootNamespace } = snapshot.security;
    return internedToken('mtls', [
      mtls,
      trustDomain,
      rootNamespace,
      ...snapshot.sidecars,
      '|',
      ...snapshot.peerAuthentications,
    ]);
  });
}
