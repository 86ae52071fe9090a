/**
 * Building blocks of Envoy RBAC config (proto3 JSON) with Istio's value semantics: `*` matches any non-empty
 * value, `prefix*` a prefix, `*suffix` a suffix, anything else exactly. Principals in Istio's policies are
 * written without `spiffe://`; the peer's URI SAN carries it.
 */
import type { Json } from '../xds-resources.ts';

export const ISTIO_AUTHN = 'istio_authn';

export function stringMatch(value: string, ignoreCase = false): Json {
  const ic = ignoreCase ? { ignore_case: true } : {};
  if (value === '*') return { safe_regex: { regex: '.+' } };
  if (value.endsWith('*')) return { prefix: value.slice(0, -1), ...ic };
  if (value.startsWith('*')) return { suffix: value.slice(1), ...ic };
  return { exact: value, ...ic };
}

export const anyPermission: Json = { any: true };
export const anyPrincipal: Json = { any: true };

export function orPermissions(list: Json[]): Json {
  return list.length === 1 ? list[0]! : { or_rules: { rules: list } };
}

export function andPermissions(list: Json[]): Json {
  return list.length === 0 ? anyPermission : list.length === 1 ? list[0]! : { and_rules: { rules: list } };
}

export function orPrincipals(list: Json[]): Json {
  return list.length === 1 ? list[0]! : { or_ids: { ids: list } };
}

export function andPrincipals(list: Json[]): Json {
  return list.length === 0 ? anyPrincipal : list.length === 1 ? list[0]! : { and_ids: { ids: list } };
}

export const notPermission = (p: Json): Json => ({ not_rule: p });
export const notPrincipal = (p: Json): Json => ({ not_id: p });

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `cluster.local/ns/default/sa/sleep` (Istio's form) against the peer's SPIFFE ID. */
export function principalName(value: string): Json {
  if (value === '*') return { authenticated: { principal_name: { safe_regex: { regex: '.+' } } } };
  if (value.startsWith('*')) return { authenticated: { principal_name: { suffix: value.slice(1) } } };
  if (value.endsWith('*'))
    return { authenticated: { principal_name: { prefix: `spiffe://${value.slice(0, -1)}` } } };
  return { authenticated: { principal_name: { exact: `spiffe://${value}` } } };
}

export function sourceNamespace(ns: string): Json {
  const regex = ns === '*' ? '.*/ns/[^/]+/.*' : `.*/ns/${escapeRegex(ns).replace(/\\\*/g, '[^/]*')}/.*`;
  return { authenticated: { principal_name: { safe_regex: { regex } } } };
}

export function sourceServiceAccount(sa: string, policyNamespace: string): Json {
  const [ns, name] = sa.includes('/') ? sa.split('/', 2) : [policyNamespace, sa];
  return {
    authenticated: {
      principal_name: {
        safe_regex: { regex: `spiffe://[^/]+/ns/${escapeRegex(ns!)}/sa/${escapeRegex(name!)}` },
      },
    },
  };
}

export function cidr(value: string): Json {
  const [address, len] = value.split('/');
  const prefixLen = len !== undefined ? Number(len) : address!.includes(':') ? 128 : 32;
  return { address_prefix: address, prefix_len: prefixLen };
}

/** A value in the JWT filter's Istio metadata: a string, or one element of a list. */
export function authnMetadata(path: string[], value: string): Json {
  const matcher = stringMatch(value);
  const at = path.map((key) => ({ key }));
  return {
    or_ids: {
      ids: [
        { metadata: { filter: ISTIO_AUTHN, path: at, value: { string_match: matcher } } },
        {
          metadata: {
            filter: ISTIO_AUTHN,
            path: at,
            value: { list_match: { one_of: { string_match: matcher } } },
          },
        },
      ],
    },
  };
}

export function header(name: string, value: string, ignoreCase = false): Json {
  return { header: { name, string_match: stringMatch(value, ignoreCase) } };
}
