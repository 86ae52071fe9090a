import type { HashPolicy } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import { buildSetCookie, readCookie } from './cookie.ts';
import { formatAddress } from './format-address.ts';
import { avalanche32, FNV_OFFSET_BASIS, fnv1a32Update, hashString } from './hash-key.ts';
import { QueryParams } from './query-params.ts';
import { readFirstRequestHeader } from './request-header-value.ts';
import type { ConfigPath } from './route-config-error.ts';

interface HashMethod {
  readonly terminal: boolean;
  evaluate(
    head: RequestHead,
    conn: DownstreamConnectionInfo,
    setCookies: string[] | undefined,
  ): number | undefined;
}

/** Hashes every value of a header; values are sorted first so their order does not matter (as in Envoy). */
class HeaderHash implements HashMethod {
  readonly terminal: boolean;
  readonly header: string;
  constructor(header: string, terminal: boolean) {
    this.header = header.toLowerCase();
    this.terminal = terminal;
  }
  evaluate(head: RequestHead): number | undefined {
    if (this.header.charCodeAt(0) === 58 /* : */ || this.header === 'host') {
      const v = readFirstRequestHeader(head, this.header);
      return v === undefined ? undefined : hashString(v);
    }
    const l = head.headers.list;
    let first: string | undefined;
    let more: string[] | undefined;
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] !== this.header) continue;
      if (first === undefined) first = l[i + 1]!;
      else (more ??= [first]).push(l[i + 1]!);
    }
    if (more === undefined) return first === undefined ? undefined : hashString(first);
    more.sort();
    let h = FNV_OFFSET_BASIS;
    for (const v of more) h = fnv1a32Update(h, v);
    return h;
  }
}

/** Hashes a cookie; when it is missing and a TTL is set, generates one (Envoy's sticky-session cookie). */
class CookieHash implements HashMethod {
  readonly terminal: boolean;
  readonly name: string;
  readonly path: string;
  readonly ttlMs: number | undefined;
  constructor(p: Extract<HashPolicy, { kind: 'cookie' }>) {
    this.name = p.name;
    this.path = p.path;
    this.ttlMs = p.ttlMs;
    this.terminal = p.terminal;
  }
  evaluate(
    head: RequestHead,
    conn: DownstreamConnectionInfo,
    setCookies: string[] | undefined,
  ): number | undefined {
    const value = readCookie(head.headers, this.name);
    if (value !== undefined && value !== '') return hashString(value);
    if (this.ttlMs === undefined) return undefined;
    const generated = generateCookieValue(conn);
    setCookies?.push(buildSetCookie(this.name, generated, this.path, Math.floor(this.ttlMs / 1000)));
    return hashString(generated);
  }
}

/**
 * The value of a generated affinity cookie: a hash of the connection's remote and local addresses,
 * so that concurrent requests on one connection get the same cookie. Eight hex digits.
 */
export function generateCookieValue(conn: DownstreamConnectionInfo): string {
  const key =
    formatAddress(conn.remoteAddress, conn.remotePort) + formatAddress(conn.localAddress, conn.localPort);
  return hashString(key).toString(16).padStart(8, '0');
}

class SourceIpHash implements HashMethod {
  readonly terminal: boolean;
  constructor(terminal: boolean) {
    this.terminal = terminal;
  }
  evaluate(_head: RequestHead, conn: DownstreamConnectionInfo): number | undefined {
    return conn.remoteAddress === '' ? undefined : hashString(conn.remoteAddress);
  }
}

class QueryParameterHash implements HashMethod {
  readonly terminal: boolean;
  readonly name: string;
  constructor(name: string, terminal: boolean) {
    this.name = name;
    this.terminal = terminal;
  }
  evaluate(head: RequestHead): number | undefined {
    if (head.path.indexOf('?') < 0) return undefined;
    const v = QueryParams.parse(head.path).first(this.name);
    return v === undefined ? undefined : hashString(v);
  }
}

/**
 * A route's hash policies, compiled. `generateHash` walks them in order like Envoy: each hash that
 * applies is folded in as `rotl(previous, 1) ^ next`; a terminal policy stops the walk once some
 * hash exists. The result, mixed by avalanche32, is an unsigned 32-bit integer, or undefined when
 * no policy applied.
 */
export class CompiledHashPolicy {
  private readonly methods: readonly HashMethod[];
  /** True when some policy may generate a cookie: pass `setCookies` to `generateHash` then. */
  readonly mayGenerateCookie: boolean;

  constructor(methods: HashMethod[]) {
    this.methods = methods;
    this.mayGenerateCookie = methods.some((m) => m instanceof CookieHash && m.ttlMs !== undefined);
  }

  /**
   * Hash for one request. When a cookie policy generates a cookie, its `Set-Cookie` value is pushed
   * onto `setCookies` (if given) for the router to add to the response.
   */
  generateHash(head: RequestHead, conn: DownstreamConnectionInfo, setCookies?: string[]): number | undefined {
    let hash: number | undefined;
    const methods = this.methods;
    for (let i = 0; i < methods.length; i++) {
      const m = methods[i]!;
      const next = m.evaluate(head, conn, setCookies);
      if (next !== undefined) {
        const rotated = hash === undefined ? 0 : ((hash << 1) | (hash >>> 31)) >>> 0;
        hash = (rotated ^ next) >>> 0;
      }
      if (m.terminal && hash !== undefined) break;
    }
    return hash === undefined ? undefined : avalanche32(hash);
  }
}

/** Compiles `policies`, or returns undefined when there are none. */
export function compileHashPolicy(
  policies: readonly HashPolicy[],
  at: ConfigPath,
): CompiledHashPolicy | undefined {
  if (policies.length === 0) return undefined;
  return new CompiledHashPolicy(policies.map((p, i) => compileMethod(p, at.at(i))));
}

function compileMethod(p: HashPolicy, at: ConfigPath): HashMethod {
  switch (p.kind) {
    case 'header':
      if (p.headerName === '') throw at.at('headerName').error('header name must not be empty');
      return new HeaderHash(p.headerName, p.terminal);
    case 'cookie':
      if (p.name === '') throw at.at('name').error('cookie name must not be empty');
      return new CookieHash(p);
    case 'sourceIp':
      return new SourceIpHash(p.terminal);
    case 'queryParameter':
      if (p.name === '') throw at.at('name').error('query parameter name must not be empty');
      return new QueryParameterHash(p.name, p.terminal);
  }
}
