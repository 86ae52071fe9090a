/**
 * RBAC permissions and principals compiled once into predicates over (request head, connection, dynamic
 * metadata). Per request there is no parsing, no regex compilation and no allocation beyond what a string
 * matcher needs: header matchers, string matchers (RE2 compiled at config time) and CIDR ranges are built
 * here. A network (TCP) check passes no request head; HTTP-only rules then do not match.
 */
import type { MetadataMatcher, RbacPermission, RbacPrincipal, ValueMatcher } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import { parseCidr } from '../listener/cidr-table.ts';
import { ipv4FromMapped, parseIp } from '../listener/ip-address.ts';
import { CompiledHeaderMatcher } from '../router/header-matcher.ts';
import type { ConfigPath } from '../router/route-config-error.ts';
import { compileStringMatcher } from '../router/string-matcher.ts';

export type DynamicMetadata = Record<string, Record<string, unknown>>;

export type RbacPredicate = (
  head: RequestHead | undefined,
  conn: DownstreamConnectionInfo,
  metadata: DynamicMetadata | undefined,
) => boolean;

const ANY: RbacPredicate = () => true;

export function compilePermission(p: RbacPermission, at: ConfigPath): RbacPredicate {
  switch (p.kind) {
    case 'any':
      return ANY;
    case 'and':
      return all(p.rules.map((r, i) => compilePermission(r, at.at(`and_rules[${i}]`))));
    case 'or':
      return some(p.rules.map((r, i) => compilePermission(r, at.at(`or_rules[${i}]`))));
    case 'not': {
      const inner = compilePermission(p.rule, at.at('not_rule'));
      return (h, c, m) => !inner(h, c, m);
    }
    case 'header':
      return header(new CompiledHeaderMatcher(p.header, at.at('header')));
    case 'urlPath': {
      const m = compileStringMatcher(p.path, at.at('url_path'));
      return (h) => h !== undefined && m.match(pathOnly(h.path));
    }
    case 'destinationPort':
      return (_h, c) => c.localPort === p.port;
    case 'destinationIp':
      return cidr(p.range, at, (c) => c.localAddress);
    case 'metadata':
      return metadata(p.matcher, at.at('metadata'));
    case 'requestedServerName': {
      const m = compileStringMatcher(p.matcher, at.at('requested_server_name'));
      return (_h, c) => m.match(c.serverName);
    }
  }
}

export function compilePrincipal(p: RbacPrincipal, at: ConfigPath): RbacPredicate {
  switch (p.kind) {
    case 'any':
      return ANY;
    case 'and':
      return all(p.ids.map((r, i) => compilePrincipal(r, at.at(`and_ids[${i}]`))));
    case 'or':
      return some(p.ids.map((r, i) => compilePrincipal(r, at.at(`or_ids[${i}]`))));
    case 'not': {
      const inner = compilePrincipal(p.id, at.at('not_id'));
      return (h, c, m) => !inner(h, c, m);
    }
    case 'authenticated': {
      if (p.principalName === undefined)
        return (_h, c) => c.tlsSocket?.getPeerX509Certificate() !== undefined;
      const m = compileStringMatcher(p.principalName, at.at('authenticated.principal_name'));
      return (_h, c) => c.peerPrincipal !== undefined && c.peerPrincipal !== '' && m.match(c.peerPrincipal);
    }
    case 'directRemoteIp':
    case 'remoteIp':
      return cidr(p.range, at, (c) => c.remoteAddress);
    case 'header':
      return header(new CompiledHeaderMatcher(p.header, at.at('header')));
    case 'urlPath': {
      const m = compileStringMatcher(p.path, at.at('url_path'));
      return (h) => h !== undefined && m.match(pathOnly(h.path));
    }
    case 'metadata':
      return metadata(p.matcher, at.at('metadata'));
  }
}

function all(list: RbacPredicate[]): RbacPredicate {
  return (h, c, m) => {
    for (let i = 0; i < list.length; i++) if (!list[i]!(h, c, m)) return false;
    return true;
  };
}

function some(list: RbacPredicate[]): RbacPredicate {
  return (h, c, m) => {
    for (let i = 0; i < list.length; i++) if (list[i]!(h, c, m)) return true;
    return false;
  };
}

function header(m: CompiledHeaderMatcher): RbacPredicate {
  return (h) => h !== undefined && m.match(h);
}

/** The path without its query string (Envoy's url_path matches the path only). */
function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function cidr(
  range: { addressPrefix: string; prefixLen: number },
  at: ConfigPath,
  address: (c: DownstreamConnectionInfo) => string,
): RbacPredicate {
  const parsed = parseCidr(range);
  if (typeof parsed === 'string') throw at.error(parsed);
  const bytes = parsed.bytes;
  const bits = parsed.prefixLen;
  return (_h, c) => {
    let ip = parseIp(address(c));
    if (ip === undefined) return false;
    if (ip.length === 16 && bytes.length === 4) ip = ipv4FromMapped(ip) ?? ip;
    if (ip.length !== bytes.length) return false;
    return prefixEqual(ip, bytes, bits);
  };
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

function metadata(m: MetadataMatcher, at: ConfigPath): RbacPredicate {
  const value = compileValue(m.value, at.at('value'));
  const { filter, path, invert } = m;
  return (_h, _c, md) => {
    let v: unknown = md?.[filter];
    for (let i = 0; i < path.length && v !== undefined; i++)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[path[i]!] : undefined;
    return value(v) !== invert;
  };
}

function compileValue(m: ValueMatcher, at: ConfigPath): (v: unknown) => boolean {
  switch (m.kind) {
    case 'present':
      return (v) => v !== undefined && v !== null;
    case 'bool':
      return (v) => v === m.value;
    case 'string': {
      const s = compileStringMatcher(m.matcher, at);
      return (v) => typeof v === 'string' && s.match(v);
    }
    case 'list': {
      const inner = compileValue(m.oneOf, at.at('list_match.one_of'));
      return (v) => Array.isArray(v) && v.some(inner);
    }
  }
}
