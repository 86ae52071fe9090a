/**
 * One AuthorizationPolicy rule as one Envoy RBAC policy: `from` sources (any of them; within a source every
 * field, each any of its values; `not*` fields excluded) become principals, `to` operations become
 * permissions, and each `when` condition lands on the side Envoy evaluates it on. For TCP (network RBAC),
 * HTTP-only fields cannot be evaluated: an ALLOW rule that needs one never matches, a DENY rule drops
 * them and matches more (Istio's behaviour).
 */
import type { Json } from '../xds-resources.ts';
import {
  andPermissions,
  andPrincipals,
  authnMetadata,
  cidr,
  header,
  notPermission,
  notPrincipal,
  orPermissions,
  orPrincipals,
  principalName,
  sourceNamespace,
  sourceServiceAccount,
  stringMatch,
} from './rbac-json.ts';

type Strings = string[] | undefined;
interface Source {
  principals?: Strings;
  notPrincipals?: Strings;
  requestPrincipals?: Strings;
  notRequestPrincipals?: Strings;
  namespaces?: Strings;
  notNamespaces?: Strings;
  ipBlocks?: Strings;
  notIpBlocks?: Strings;
  remoteIpBlocks?: Strings;
  notRemoteIpBlocks?: Strings;
  serviceAccounts?: Strings;
  notServiceAccounts?: Strings;
}
interface Operation {
  hosts?: Strings;
  notHosts?: Strings;
  ports?: Strings;
  notPorts?: Strings;
  methods?: Strings;
  notMethods?: Strings;
  paths?: Strings;
  notPaths?: Strings;
}
interface Condition {
  key: string;
  values?: Strings;
  notValues?: Strings;
}
export interface IstioRule {
  from?: { source?: Source }[];
  to?: { operation?: Operation }[];
  when?: Condition[];
}

export type Protocol = 'http' | 'tcp';

/** The policy, or undefined when it can never match over `protocol`. */
export function rbacPolicy(
  rule: IstioRule,
  namespace: string,
  protocol: Protocol,
  action: string,
): Json | undefined {
  const http = protocol === 'http';
  const dropHttpOnly = !http && action === 'DENY';
  let needsHttp = false;
  const principalsOf = (s: Source): Json => {
    const parts: Json[] = [];
    const add = (values: Strings, make: (v: string) => Json, negate: boolean, httpOnly = false) => {
      if (values === undefined || values.length === 0) return;
      if (httpOnly && !http) {
        needsHttp = true;
        return;
      }
      const p = orPrincipals(values.map(make));
      parts.push(negate ? notPrincipal(p) : p);
    };
    add(s.principals, principalName, false);
    add(s.notPrincipals, principalName, true);
    add(s.namespaces, sourceNamespace, false);
    add(s.notNamespaces, sourceNamespace, true);
    add(s.serviceAccounts, (v) => sourceServiceAccount(v, namespace), false);
    add(s.notServiceAccounts, (v) => sourceServiceAccount(v, namespace), true);
    add(s.ipBlocks, (v) => ({ direct_remote_ip: cidr(v) }), false);
    add(s.notIpBlocks, (v) => ({ direct_remote_ip: cidr(v) }), true);
    add(s.remoteIpBlocks, (v) => ({ remote_ip: cidr(v) }), false);
    add(s.notRemoteIpBlocks, (v) => ({ remote_ip: cidr(v) }), true);
    add(s.requestPrincipals, (v) => authnMetadata(['request.auth.principal'], v), false, true);
    add(s.notRequestPrincipals, (v) => authnMetadata(['request.auth.principal'], v), true, true);
    return andPrincipals(parts);
  };
  const permissionsOf = (o: Operation): Json => {
    const parts: Json[] = [];
    const add = (values: Strings, make: (v: string) => Json, negate: boolean, httpOnly = true) => {
      if (values === undefined || values.length === 0) return;
      if (httpOnly && !http) {
        needsHttp = true;
        return;
      }
      const p = orPermissions(values.map(make));
      parts.push(negate ? notPermission(p) : p);
    };
    add(o.hosts, (v) => header(':authority', v, true), false);
    add(o.notHosts, (v) => header(':authority', v, true), true);
    add(o.methods, (v) => header(':method', v), false);
    add(o.notMethods, (v) => header(':method', v), true);
    add(o.paths, (v) => ({ url_path: { path: stringMatch(v) } }), false);
    add(o.notPaths, (v) => ({ url_path: { path: stringMatch(v) } }), true);
    add(o.ports, (v) => ({ destination_port: Number(v) }), false, false);
    add(o.notPorts, (v) => ({ destination_port: Number(v) }), true, false);
    return andPermissions(parts);
  };
  const principals: Json[] = [];
  const permissions: Json[] = [];
  if (rule.from !== undefined && rule.from.length > 0)
    principals.push(orPrincipals(rule.from.map((f) => principalsOf(f.source ?? {}))));
  if (rule.to !== undefined && rule.to.length > 0)
    permissions.push(orPermissions(rule.to.map((t) => permissionsOf(t.operation ?? {}))));
  for (const c of rule.when ?? []) {
    const placed = condition(c, namespace, http);
    if (placed === undefined) needsHttp = true;
    else if (placed.side === 'principal') principals.push(placed.json);
    else permissions.push(placed.json);
  }
  if (needsHttp && !dropHttpOnly) return undefined;
  return { permissions: [andPermissions(permissions)], principals: [andPrincipals(principals)] };
}

function condition(
  c: Condition,
  namespace: string,
  http: boolean,
): { side: 'principal' | 'permission'; json: Json } | undefined {
  const both = (
    make: (v: string) => Json,
    or: (l: Json[]) => Json,
    not: (j: Json) => Json,
    and: (l: Json[]) => Json,
  ) => {
    const parts: Json[] = [];
    if (c.values?.length) parts.push(or(c.values.map(make)));
    if (c.notValues?.length) parts.push(not(or(c.notValues.map(make))));
    return and(parts);
  };
  const principal = (make: (v: string) => Json) => ({
    side: 'principal' as const,
    json: both(make, orPrincipals, notPrincipal, andPrincipals),
  });
  const permission = (make: (v: string) => Json) => ({
    side: 'permission' as const,
    json: both(make, orPermissions, notPermission, andPermissions),
  });
  const key = c.key;
  if (key === 'source.ip') return principal((v) => ({ direct_remote_ip: cidr(v) }));
  if (key === 'remote.ip') return principal((v) => ({ remote_ip: cidr(v) }));
  if (key === 'source.namespace') return principal(sourceNamespace);
  if (key === 'source.principal') return principal(principalName);
  if (key === 'source.serviceAccount') return principal((v) => sourceServiceAccount(v, namespace));
  if (key === 'destination.port') return permission((v) => ({ destination_port: Number(v) }));
  if (key === 'destination.ip') return permission((v) => ({ destination_ip: cidr(v) }));
  if (key === 'connection.sni') return permission((v) => ({ requested_server_name: stringMatch(v) }));
  if (!http) return undefined;
  const claim = /^request\.auth\.claims\[([^\]]+)\]$/.exec(key);
  if (claim) return principal((v) => authnMetadata(['request.auth.claims', claim[1]!], v));
  const hdr = /^request\.headers\[([^\]]+)\]$/.exec(key);
  if (hdr) return principal((v) => header(hdr[1]!.toLowerCase(), v));
  if (key === 'request.auth.principal') return principal((v) => authnMetadata(['request.auth.principal'], v));
  if (key === 'request.auth.audiences') return principal((v) => authnMetadata(['request.auth.audiences'], v));
  if (key === 'request.auth.presenter') return principal((v) => authnMetadata(['request.auth.presenter'], v));
  return undefined;
}
