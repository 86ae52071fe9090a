import { TypeUrls } from '@tandem/xds-proto';

/**
 * The order in which a change touching several types is pushed, so that a client never holds a reference to
 * something it has not received yet: clusters before their endpoints, listeners before their routes, and
 * secrets first (Istio's push order puts them with clusters and listeners that use them).
 */
export const PUSH_ORDER: readonly string[] = [
  TypeUrls.secret,
  TypeUrls.cluster,
  TypeUrls.clusterLoadAssignment,
  TypeUrls.listener,
  TypeUrls.routeConfiguration,
];

/** Types for which a request without names is a (legacy) wildcard subscription. */
const WILDCARD_TYPES: ReadonlySet<string> = new Set([TypeUrls.listener, TypeUrls.cluster]);

/**
 * Types whose state-of-the-world pushes carry only the resources that changed since the last
 * response. The xDS protocol allows it for every type but Listener and Cluster (a client drops
 * what a LDS/CDS response leaves out, not what an EDS/RDS one does); Istio does it for EDS, where
 * an endpoint change would otherwise resend every ClusterLoadAssignment to every proxy.
 */
const CHANGES_ONLY_TYPES: ReadonlySet<string> = new Set([TypeUrls.clusterLoadAssignment]);

export function sendsChangesOnly(typeUrl: string): boolean {
  return CHANGES_ONLY_TYPES.has(typeUrl);
}

/** Explicit wildcard subscription name (xDS "*"). */
export const WILDCARD = '*';

export function supportsLegacyWildcard(typeUrl: string): boolean {
  return WILDCARD_TYPES.has(typeUrl);
}

/** Sorts type URLs by {@link PUSH_ORDER}, unknown types last in name order. */
export function inPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (typeUrl: string) => {
    const index = PUSH_ORDER.indexOf(typeUrl);
    return index < 0 ? PUSH_ORDER.length : index;
  };
  return [...typeUrls].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The name of a resource: `cluster_name` for a ClusterLoadAssignment, `name` otherwise (either spelling). */
export function resourceNameOf(typeUrl: string, json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const name =
    typeUrl === TypeUrls.clusterLoadAssignment ? (record.cluster_name ?? record.clusterName) : record.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
