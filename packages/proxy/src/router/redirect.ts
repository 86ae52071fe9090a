import type { RedirectAction } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { portStart, stripPort } from './authority.ts';
import type { CompiledPathMatcher } from './path-matcher.ts';
import { compilePathRewrite, type PathRewriter } from './path-rewrite.ts';
import type { ConfigPath } from './route-config-error.ts';

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** What the router needs to answer with a redirect. */
export interface RedirectRouteAction {
  readonly kind: 'redirect';
  /** 301, 302, 303, 307 or 308. */
  readonly responseCode: number;
  /** The `Location` header for this request. */
  buildLocation(head: RequestHead): string;
}

/**
 * A compiled `RedirectAction`, building the `Location` the way Envoy's `newUri` does:
 * - scheme: `schemeRedirect` (what `https_redirect` becomes), else the request's;
 * - host: `hostRedirect`, else the request's authority, with its port dropped when `portRedirect`
 *   is set, or when the scheme changes and the port was the old scheme's standard one
 *   (`http://a:80` -> `https://a`, `https://a:443` -> `http://a`);
 * - port: `:portRedirect` when set (kept even when standard, as in Envoy);
 * - path: `pathRedirect` (keeping the request's query unless it has its own), or the request path
 *   after the prefix/regex rewrite; `stripQuery` drops the query unless `pathRedirect` set one.
 *
 * Where Envoy reads `x-forwarded-proto` for the request's scheme, we read `RequestHead.scheme`.
 */
export class CompiledRedirect implements RedirectRouteAction {
  readonly kind = 'redirect';
  readonly responseCode: number;
  private readonly scheme: string | undefined;
  private readonly host: string | undefined;
  /** `:8443` or ''. */
  private readonly port: string;
  private readonly pathRedirect: string | undefined;
  private readonly pathRedirectHasQuery: boolean;
  private readonly rewriter: PathRewriter | undefined;
  private readonly stripQuery: boolean;

  constructor(r: RedirectAction, matcher: CompiledPathMatcher, at: ConfigPath) {
    if (!REDIRECT_CODES.has(r.responseCode))
      throw at.at('responseCode').error('must be 301, 302, 303, 307 or 308');
    this.responseCode = r.responseCode;
    this.scheme = r.schemeRedirect === '' ? undefined : r.schemeRedirect;
    this.port = r.portRedirect ? `:${r.portRedirect}` : '';
    // With a port redirect, a port written in the host redirect would be doubled: drop it.
    const host = r.hostRedirect === '' ? undefined : r.hostRedirect;
    this.host = host !== undefined && this.port !== '' ? stripPort(host) : host;
    const pr = r.pathRewrite;
    this.pathRedirect = pr?.kind === 'path' && pr.value !== '' ? pr.value : undefined;
    this.pathRedirectHasQuery = this.pathRedirect?.includes('?') ?? false;
    this.rewriter =
      pr?.kind === 'prefix'
        ? compilePathRewrite(matcher, pr.value, undefined, at.at('pathRewrite'))
        : pr?.kind === 'regex'
          ? compilePathRewrite(matcher, undefined, pr, at.at('pathRewrite'))
          : undefined;
    this.stripQuery = r.stripQuery;
  }

  buildLocation(head: RequestHead): string {
    const scheme = this.scheme ?? head.scheme;
    const host = this.host ?? requestHostFor(head, scheme, this.port);
    return `${scheme}://${host}${this.port}${this.buildPath(head.path)}`;
  }

  private buildPath(current: string): string {
    let path: string;
    if (this.pathRedirect !== undefined) {
      const q = current.indexOf('?');
      path = this.pathRedirectHasQuery || q < 0 ? this.pathRedirect : this.pathRedirect + current.slice(q);
    } else {
      path = this.rewriter === undefined ? current : this.rewriter.rewrite(current);
    }
    if (!path.startsWith('/')) path = `/${path}`;
    if (this.stripQuery && !this.pathRedirectHasQuery) {
      const q = path.indexOf('?');
      if (q >= 0) path = path.slice(0, q);
    }
    return path;
  }
}

function requestHostFor(head: RequestHead, newScheme: string, newPort: string): string {
  const host = head.authority;
  const i = portStart(host);
  if (i < 0) return host;
  let remove = newPort !== '';
  if (newScheme !== head.scheme) {
    const port = host.slice(i);
    remove ||= (head.scheme === 'https' && port === ':443') || (head.scheme === 'http' && port === ':80');
  }
  return remove ? host.slice(0, i) : host;
}

/**
 * The redirect a virtual host with `require_tls` sends for a plain-text request: 301 to
 * `https://` + the authority as received (port included, as Envoy does) + the path.
 */
export class TlsRedirect implements RedirectRouteAction {
  readonly kind = 'redirect';
  readonly responseCode = 301;

  buildLocation(head: RequestHead): string {
    return `https://${head.authority}${head.path}`;
  }
}

/** The `Location` of a direct response with status 201 or 3xx: the request's own URL. */
export function requestUrl(head: RequestHead): string {
  const path = head.path.startsWith('/') ? head.path : `/${head.path}`;
  return `${head.scheme}://${head.authority}${path}`;
}
