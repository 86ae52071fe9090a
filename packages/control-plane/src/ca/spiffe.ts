/** SPIFFE IDs of workloads: `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`. */

export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** The SPIFFE URI of a workload identity in a trust domain. */
export function spiffeId(trustDomain: string, identity: WorkloadIdentity): string {
  return `spiffe://${trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

const SPIFFE = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

/** Parses a workload SPIFFE URI; undefined when it is not of that shape. */
export function parseSpiffeId(
  uri: string,
): (WorkloadIdentity & { readonly trustDomain: string }) | undefined {
  const m = SPIFFE.exec(uri);
  if (!m) return undefined;
  return { trustDomain: m[1]!, namespace: m[2]!, serviceAccount: m[3]! };
}
