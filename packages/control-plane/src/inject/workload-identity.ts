/**
 * The workload a pod belongs to, for the proxy's WORKLOAD_NAME and OWNER metadata: the controller
 * owner reference, with a ReplicaSet made by a Deployment traced back to the Deployment (its name is
 * the Deployment's plus `-<pod-template-hash>`), as Istio does; a bare pod is its own workload.
 */
import type { ObjectMeta } from './kube-pod.ts';

export interface WorkloadRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface WorkloadIdentity {
  name: string;
  /** `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kinds>/<name>`. */
  owner: string;
}

function plural(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

function ownerUri(ref: WorkloadRef, namespace: string): string {
  return `kubernetes://apis/${ref.apiVersion}/namespaces/${namespace}/${plural(ref.kind)}/${ref.name}`;
}

function podName(meta: ObjectMeta): string {
  if (meta.name) return meta.name;
  return (meta.generateName ?? '').replace(/-$/, '');
}

/** From the controller owner reference (webhook), or the manifest's own kind and name (kube-inject). */
export function workloadIdentity(
  meta: ObjectMeta,
  namespace: string,
  explicit?: WorkloadRef,
): WorkloadIdentity {
  let ref = explicit;
  if (ref === undefined) {
    const owners = meta.ownerReferences ?? [];
    const owner = owners.find((o) => o.controller === true) ?? owners[0];
    if (owner !== undefined) ref = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name };
  }
  if (ref?.kind === 'ReplicaSet') {
    const hash = meta.labels?.['pod-template-hash'];
    if (hash !== undefined && ref.name.endsWith(`-${hash}`))
      ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
  }
  if (ref === undefined) {
    const name = podName(meta);
    return { name, owner: ownerUri({ apiVersion: 'v1', kind: 'Pod', name }, namespace) };
  }
  return { name: ref.name, owner: ownerUri(ref, namespace) };
}
