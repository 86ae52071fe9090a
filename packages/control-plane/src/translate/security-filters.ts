/**
 * The security filters of an inbound listener, from the policies that apply to its workload: for HTTP, JWT
 * authentication (RequestAuthentication) then RBAC (AuthorizationPolicy DENY, ALLOW, AUDIT); for TCP,
 * network RBAC.
 */
import { applicablePolicies } from './authz/applicable-policies.ts';
import { buildJwtFilter } from './authz/jwt-filter.ts';
import { buildRbacFilters } from './authz/rbac-filters.ts';
import type { RouteContext } from './route-builder.ts';
import type { Json } from './xds-resources.ts';

export function inboundHttpFilters(ctx: RouteContext, _port: number): Json[] {
  const { snapshot, proxy, notes } = ctx;
  const authn = applicablePolicies(
    snapshot,
    snapshot.requestAuthentications,
    proxy.namespace,
    proxy.labels,
    notes,
  );
  const authz = applicablePolicies(
    snapshot,
    snapshot.authorizationPolicies,
    proxy.namespace,
    proxy.labels,
    notes,
  );
  const jwt = buildJwtFilter(snapshot, authn, notes);
  return [...(jwt === undefined ? [] : [jwt]), ...buildRbacFilters(authz, 'http', '', notes)];
}

export function inboundTcpFilters(ctx: RouteContext, statPrefix: string): Json[] {
  const { snapshot, proxy, notes } = ctx;
  const authz = applicablePolicies(
    snapshot,
    snapshot.authorizationPolicies,
    proxy.namespace,
    proxy.labels,
    notes,
  );
  return buildRbacFilters(authz, 'tcp', statPrefix, notes);
}
