import { decodeResource, ExtensionTypeUrls } from '@tandem/xds-proto';
import type { SnapshotResource } from './snapshot.ts';

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): Json[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const entry = object(item);
    return entry === undefined ? [] : [entry];
  });
}

/** The HCMs of a listener: in every filter chain (and the default one) and in an `api_listener` (gRPC). */
function connectionManagers(listener: Json): Json[] {
  const chains = list(listener.filter_chains);
  const defaultChain = object(listener.default_filter_chain);
  if (defaultChain !== undefined) chains.push(defaultChain);
  const configs = chains.flatMap((chain) => list(chain.filters).map((filter) => object(filter.typed_config)));
  configs.push(object(object(listener.api_listener)?.api_listener));
  return configs.filter(
    (config): config is Json => config?.['@type'] === ExtensionTypeUrls.httpConnectionManager,
  );
}

/** What a resource references, read once per resource (snapshots built with a cache share resources). */
const routeNamesOf = new WeakMap<SnapshotResource, readonly string[]>();
const endpointNameOf = new WeakMap<SnapshotResource, string | null>();

/**
 * The route configuration names a listener takes over RDS. Read from the canonical decoded form, so that
 * it does not matter how the caller spelled the JSON.
 */
export function referencedRouteNames(listener: SnapshotResource): readonly string[] {
  let names = routeNamesOf.get(listener);
  if (names === undefined) {
    const json = decodeResource(listener.any);
    names = connectionManagers(json).flatMap((hcm) => {
      const name = object(hcm.rds)?.route_config_name;
      return typeof name === 'string' ? [name] : [];
    });
    routeNamesOf.set(listener, names);
  }
  return names;
}

/** The ClusterLoadAssignment name an EDS cluster takes: `eds_cluster_config.service_name`, else its name. */
export function referencedEndpointName(cluster: SnapshotResource): string | undefined {
  let name = endpointNameOf.get(cluster);
  if (name === undefined) {
    const json = decodeResource(cluster.any);
    const serviceName = object(json.eds_cluster_config)?.service_name;
    name =
      json.type !== 'EDS'
        ? null
        : typeof serviceName === 'string' && serviceName !== ''
          ? serviceName
          : cluster.name;
    endpointNameOf.set(cluster, name);
  }
  return name ?? undefined;
}
