import type { QueryParameterMatcher, RouteMatch } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { CompiledHeaderMatcher, matchAllHeaders } from './header-matcher.ts';
import { type CompiledPathMatcher, compilePathMatcher } from './path-matcher.ts';
import type { QueryParams } from './query-params.ts';
import type { ConfigPath } from './route-config-error.ts';
import { type CompiledStringMatcher, compileStringMatcher } from './string-matcher.ts';

const GRPC = 'application/grpc';

/** A query parameter rule: `matcher` undefined means "present". */
interface CompiledQueryMatcher {
  readonly name: string;
  readonly matcher: CompiledStringMatcher | undefined;
}

/**
 * Everything a route's `match` block checks. Path, gRPC and header rules are checked by
 * `matchesHead`; query rules by `matchesQuery`, which the virtual host calls only for routes that
 * have some (`query.length > 0`), with the query parsed at most once per request.
 */
export class CompiledRouteMatch {
  readonly path: CompiledPathMatcher;
  readonly headers: readonly CompiledHeaderMatcher[];
  readonly query: readonly CompiledQueryMatcher[];
  readonly grpc: boolean;

  constructor(m: RouteMatch, at: ConfigPath) {
    this.path = compilePathMatcher(m.path, m.caseSensitive, at.at('path'));
    this.headers = m.headers.map((h, i) => new CompiledHeaderMatcher(h, at.at('headers').at(i)));
    this.query = m.queryParameters.map((q, i) => compileQueryMatcher(q, at.at('queryParameters').at(i)));
    this.grpc = m.grpc;
  }

  matchesHead(head: RequestHead): boolean {
    if (!this.path.match(head.path)) return false;
    if (this.grpc && !isGrpc(head)) return false;
    return matchAllHeaders(this.headers, head);
  }

  matchesQuery(params: QueryParams): boolean {
    const rules = this.query;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const value = params.first(rule.name);
      if (value === undefined) return false;
      if (rule.matcher !== undefined && !rule.matcher.match(value)) return false;
    }
    return true;
  }
}

/** Envoy's gRPC test: content-type is exactly `application/grpc` or starts with `application/grpc+`. */
function isGrpc(head: RequestHead): boolean {
  const ct = head.headers.get('content-type');
  if (ct === undefined || !ct.startsWith(GRPC)) return false;
  return ct.length === GRPC.length || ct.charCodeAt(GRPC.length) === 43 /* + */;
}

function compileQueryMatcher(q: QueryParameterMatcher, at: ConfigPath): CompiledQueryMatcher {
  if (q.name === '') throw at.at('name').error('query parameter name must not be empty');
  const matcher =
    q.spec.kind === 'string' ? compileStringMatcher(q.spec.matcher, at.at('spec.matcher')) : undefined;
  return { name: q.name, matcher };
}
