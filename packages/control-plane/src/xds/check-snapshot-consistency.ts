import { TypeUrls } from '@tandem/xds-proto';
import { resourcesOf, type Snapshot } from './snapshot.ts';
import { referencedEndpointName, referencedRouteNames } from './snapshot-references.ts';
import { XdsServerError, XdsServerErrorCode } from './xds-server-error.ts';

const checked = new WeakMap<Snapshot, readonly string[]>();

/**
 * What a snapshot references but does not contain: a route configuration an HCM takes over RDS, a
 * ClusterLoadAssignment an EDS cluster takes. Empty when consistent. Resources nothing references are
 * allowed (they are only sent to clients that ask for them). Memoized per snapshot object, so sharing one
 * snapshot among many nodes checks it once.
 */
export function findMissingResources(snapshot: Snapshot): readonly string[] {
  let missing = checked.get(snapshot);
  if (missing === undefined) {
    missing = [...missingRoutes(snapshot), ...missingEndpoints(snapshot)];
    checked.set(snapshot, missing);
  }
  return missing;
}

function missingRoutes(snapshot: Snapshot): string[] {
  const routes = resourcesOf(snapshot, TypeUrls.routeConfiguration);
  const missing: string[] = [];
  for (const listener of resourcesOf(snapshot, TypeUrls.listener).values()) {
    for (const name of referencedRouteNames(listener)) {
      if (!routes.has(name))
        missing.push(`RouteConfiguration "${name}" (used by Listener "${listener.name}")`);
    }
  }
  return missing;
}

function missingEndpoints(snapshot: Snapshot): string[] {
  const assignments = resourcesOf(snapshot, TypeUrls.clusterLoadAssignment);
  const missing: string[] = [];
  for (const cluster of resourcesOf(snapshot, TypeUrls.cluster).values()) {
    const name = referencedEndpointName(cluster);
    if (name !== undefined && !assignments.has(name)) {
      missing.push(`ClusterLoadAssignment "${name}" (used by EDS Cluster "${cluster.name}")`);
    }
  }
  return missing;
}

/**
 * Throws when a snapshot is inconsistent (go-control-plane's `Consistent()`).
 *
 * @throws {XdsServerError} `TANDEM_ERR_XDS_SNAPSHOT_INCONSISTENT` naming every missing resource.
 */
export function assertSnapshotConsistent(snapshot: Snapshot): void {
  const missing = findMissingResources(snapshot);
  if (missing.length > 0) {
    throw new XdsServerError(
      XdsServerErrorCode.inconsistentSnapshot,
      `snapshot ${snapshot.version} is inconsistent: missing ${missing.join(', ')}`,
    );
  }
}
