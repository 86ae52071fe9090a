import { address, requireIpAddress } from '../core/address.ts';
import { locality } from '../core/locality.ts';
import { mapOf } from '../schema/collections.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { str, struct } from '../schema/scalars.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { ClusterLoadAssignment, LbEndpoint, LocalityLbEndpoints } from '../types.ts';

const healthChecks = 'active health checks arrive with traffic management';

const endpoint = message({
  name: 'envoy.config.endpoint.v3.Endpoint',
  fields: {
    address: required(address),
    health_check_config: ignored(healthChecks),
    hostname: withDefault(str, ''),
    additional_addresses: unsupported(),
  },
  build: (v) => ({ address: v.address, hostname: v.hostname }),
});

/** envoy.config.core.v3.Metadata, reduced to the string values of `envoy.transport_socket_match`. */
const endpointMetadata = message({
  name: 'envoy.config.core.v3.Metadata',
  fields: {
    filter_metadata: withDefault(mapOf(struct), {}),
    typed_filter_metadata: ignored('typed endpoint metadata is not read'),
  },
  build: (v): Record<string, string> | undefined => {
    const match = v.filter_metadata[TRANSPORT_SOCKET_MATCH];
    if (match === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(match)) if (typeof x === 'string') out[k] = x;
    return out;
  },
});

export const TRANSPORT_SOCKET_MATCH = 'envoy.transport_socket_match';

const weight = wrapper('UInt32Value', uint32({ min: 1 }));
const hostIdentifier = { oneof: 'host_identifier' };

const lbEndpoint = message({
  name: 'envoy.config.endpoint.v3.LbEndpoint',
  fields: {
    endpoint: optional(endpoint, hostIdentifier),
    endpoint_name: unsupported(undefined, hostIdentifier),
    health_status: withDefault(
      enumOf('HealthStatus', { UNKNOWN: 0, HEALTHY: 1, UNHEALTHY: 2, DRAINING: 3, TIMEOUT: 4, DEGRADED: 5 }),
      'UNKNOWN',
    ),
    metadata: optional(endpointMetadata, {
      note: 'only filter_metadata["envoy.transport_socket_match"] is read (transport socket matches)',
    }),
    load_balancing_weight: withDefault(weight, 1),
  },
  oneofs: { host_identifier: { required: true } },
  build: (v): LbEndpoint | undefined =>
    v.endpoint && {
      address: v.endpoint.address,
      hostname: v.endpoint.hostname,
      healthStatus: v.health_status,
      loadBalancingWeight: v.load_balancing_weight,
      ...(v.metadata === undefined ? {} : { transportSocketMatch: v.metadata }),
    },
});

const localityLbEndpoints = message({
  name: 'envoy.config.endpoint.v3.LocalityLbEndpoints',
  fields: {
    locality: optional(locality),
    metadata: ignored('locality metadata is not read'),
    lb_endpoints: repeated(lbEndpoint),
    leds_cluster_locality_config: unsupported(undefined, { oneof: 'lb_config' }),
    load_balancing_weight: withDefault(weight, 0, {
      defaultText: 'unset (0)',
      note: 'used by locality-weighted LB',
    }),
    priority: withDefault(uint32({ max: 128 }), 0),
    proximity: ignored('proximity is not used for load balancing'),
  },
  build: (v): LocalityLbEndpoints => ({
    locality: v.locality,
    lbEndpoints: v.lb_endpoints,
    loadBalancingWeight: v.load_balancing_weight,
    priority: v.priority,
  }),
});

const policy = message({
  name: 'envoy.config.endpoint.v3.ClusterLoadAssignment.Policy',
  fields: {
    drop_overloads: unsupported(),
    overprovisioning_factor: withDefault(wrapper('UInt32Value', uint32({ min: 1 })), 140, {
      note: 'percent',
    }),
    endpoint_stale_after: unsupported(),
    weighted_priority_health: unsupported(),
  },
  build: (v) => v.overprovisioning_factor,
});

/** envoy.config.endpoint.v3.ClusterLoadAssignment (inline in a cluster, or an EDS resource). */
export const clusterLoadAssignment = message({
  name: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  fields: {
    cluster_name: withDefault(str, '', { defaultText: 'the cluster name (inline); required for EDS' }),
    endpoints: repeated(localityLbEndpoints),
    named_endpoints: unsupported(),
    policy: withDefault(policy, 140),
  },
  build: (v): ClusterLoadAssignment => ({
    clusterName: v.cluster_name,
    endpoints: v.endpoints,
    overprovisioningFactor: v.policy,
  }),
});

/** Calls `visit` for every endpoint with the context of its `endpoint.address` field. */
export function forEachEndpoint(
  assignment: ClusterLoadAssignment,
  ctx: ValidationContext,
  visit: (endpoint: LbEndpoint, at: ValidationContext) => void,
): void {
  assignment.endpoints.forEach((group, g) => {
    group.lbEndpoints.forEach((lbEndpoint, e) => {
      const at = ctx
        .field('endpoints')
        .item(g)
        .field('lb_endpoints')
        .item(e)
        .field('endpoint')
        .field('address');
      visit(lbEndpoint, at);
    });
  });
}

/** Reports every endpoint whose address is not an IP (STATIC clusters, EDS). `ctx` is the assignment's. */
export function requireIpEndpoints(
  assignment: ClusterLoadAssignment,
  ctx: ValidationContext,
  why: string,
): void {
  forEachEndpoint(assignment, ctx, (lbEndpoint, at) => requireIpAddress(lbEndpoint.address, at, why));
}
