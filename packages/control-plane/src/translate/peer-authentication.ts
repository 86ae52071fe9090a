/**
 * The mTLS mode a workload's inbound port runs in, from PeerAuthentication by Istio's precedence: a policy
 * whose selector matches the workload (in its namespace; the oldest when several match), then the
 * namespace's policy without selector, then the mesh-wide one in the root namespace; `UNSET` inherits from
 * the next level, and port-level settings of the workload policy win for their port. With no policy at all
 * the mode is PERMISSIVE (Istio's default).
 */
import type { PeerAuthentication } from '@tandem/api/istio';
import { labelsMatch } from '../model/mesh-service.ts';
import type { MeshSnapshot, PolicyEntry } from '../model/mesh-snapshot.ts';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export function effectiveMtlsMode(
  snapshot: MeshSnapshot,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  port: number,
): MtlsMode {
  const all = snapshot.peerAuthentications;
  const inNs = all.filter((p) => p.ref.namespace === namespace);
  const workload = inNs.find(
    (p) =>
      p.spec.selector !== undefined &&
      Object.keys(p.spec.selector).length > 0 &&
      labelsMatch(p.spec.selector, labels),
  );
  const nsWide = inNs.find((p) => isWide(p));
  const meshWide = all.find((p) => p.ref.namespace === snapshot.security.rootNamespace && isWide(p));
  const portMode = workload?.spec.portLevelMtls[String(port)]?.mode;
  for (const mode of [
    portMode,
    workload?.spec.mtls?.mode,
    nsWide?.spec.mtls?.mode,
    meshWide?.spec.mtls?.mode,
  ])
    if (mode !== undefined && mode !== 'UNSET') return mode;
  return 'PERMISSIVE';
}

function isWide(p: PolicyEntry<PeerAuthentication>): boolean {
  return p.spec.selector === undefined || Object.keys(p.spec.selector).length === 0;
}
