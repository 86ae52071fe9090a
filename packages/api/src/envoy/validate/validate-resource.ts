import { cluster } from '../cluster/cluster.ts';
import { clusterLoadAssignment, requireIpEndpoints } from '../cluster/load-assignment.ts';
import type { ConfigIssue } from '../config-issue.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listener } from '../listener/listener.ts';
import { routeConfiguration } from '../route/route-configuration.ts';
import type { MessageSchema } from '../schema/message.ts';
import { isPlainObject } from '../schema/schema.ts';
import { ValidationContext } from '../schema/validation-context.ts';
import { secret } from '../tls/secret.ts';
import type { Cluster, ClusterLoadAssignment, Listener, RouteConfiguration, Secret } from '../types.ts';
import { ensureBuiltinExtensions } from './builtin-extensions.ts';

/** Type URLs of the xDS resources Tandem accepts. */
export const RESOURCE_TYPE_URLS = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

/** The domain type each resource type URL validates into. */
export interface XdsResourceTypes {
  'type.googleapis.com/envoy.config.listener.v3.Listener': Listener;
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': Cluster;
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': RouteConfiguration;
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': ClusterLoadAssignment;
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': Secret;
}

export type ResourceValidation<T> =
  | { ok: true; resource: T; warnings: ConfigIssue[] }
  | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };

const SCHEMAS: Readonly<Record<string, MessageSchema<unknown>>> = {
  [RESOURCE_TYPE_URLS.listener]: listener,
  [RESOURCE_TYPE_URLS.cluster]: cluster,
  [RESOURCE_TYPE_URLS.routeConfiguration]: routeConfiguration,
  [RESOURCE_TYPE_URLS.clusterLoadAssignment]: clusterLoadAssignment,
  [RESOURCE_TYPE_URLS.secret]: secret,
};

/**
 * Validates one xDS resource (as delivered by the xDS client, in proto3-JSON shape) on its own. Names it
 * uses for other resources (clusters, secrets) are not resolved here: consistency across resources is the
 * xDS client's job. A leading `@type` is allowed if it matches `typeUrl`.
 *
 * @example
 * const result = validateResource(RESOURCE_TYPE_URLS.cluster, { name: 'web', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } });
 */
export function validateResource<U extends keyof XdsResourceTypes>(
  typeUrl: U,
  raw: unknown,
): ResourceValidation<XdsResourceTypes[U]>;
export function validateResource(typeUrl: string, raw: unknown): ResourceValidation<unknown>;
export function validateResource(typeUrl: string, raw: unknown): ResourceValidation<unknown> {
  ensureBuiltinExtensions();
  const ctx = ValidationContext.root();
  const schema = SCHEMAS[typeUrl];
  if (schema === undefined) {
    ctx.error(
      ConfigIssueCode.typeUrl,
      `unknown resource type URL ${JSON.stringify(typeUrl)}; Tandem accepts ${Object.values(RESOURCE_TYPE_URLS).join(', ')}`,
    );
  } else {
    const value = schema.parse(withoutTypeField(raw, typeUrl, ctx), ctx);
    if (ctx.errorCount === 0 && typeUrl === RESOURCE_TYPE_URLS.clusterLoadAssignment)
      checkEdsResource(value as ClusterLoadAssignment, ctx);
    if (ctx.errorCount === 0) return { ok: true, resource: value, warnings: [...ctx.warnings] };
  }
  return { ok: false, errors: [...ctx.errors], warnings: [...ctx.warnings] };
}

function withoutTypeField(raw: unknown, typeUrl: string, ctx: ValidationContext): unknown {
  if (!isPlainObject(raw) || !('@type' in raw)) return raw;
  const given = raw['@type'];
  const name = (url: unknown) => (typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : url);
  if (name(given) !== name(typeUrl)) {
    ctx
      .field('@type')
      .error(ConfigIssueCode.typeUrl, `is ${JSON.stringify(given)}, but a ${typeUrl} was expected`);
  }
  return Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '@type'));
}

/** An EDS resource names its cluster and lists IP endpoints. */
function checkEdsResource(assignment: ClusterLoadAssignment, ctx: ValidationContext): void {
  if (assignment.clusterName === '')
    ctx.field('cluster_name').error(ConfigIssueCode.required, 'missing required field "cluster_name"');
  requireIpEndpoints(assignment, ctx, 'EDS endpoints must be IP addresses');
}
