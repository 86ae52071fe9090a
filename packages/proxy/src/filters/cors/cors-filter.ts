/**
 * `envoy.filters.http.cors`: applies the route's CorsPolicy (`typed_per_filter_config`). A
 * preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin is
 * answered here with the allowed methods, headers and max age; one from another origin goes on
 * upstream (unless `forward_not_matching_preflights` is false). An actual request from an allowed
 * origin gets `access-control-allow-origin` (and credentials, exposed headers) on its response.
 * Stats: `http.<stat_prefix>.cors.origin_valid` and `origin_invalid`.
 */
import { CORS_TYPE_URL } from '@tandem/api/envoy';
import { HeaderMap } from '../../http/header-map.ts';
import type { HttpFilterFactory } from '../../http/http-filter.ts';
import type { ResponseHeadersHook } from '../../http/http-stream.ts';
import type { CompiledCorsPolicy } from './compiled-cors-policy.ts';

export const corsFilter: HttpFilterFactory = {
  typeUrl: CORS_TYPE_URL,
  terminal: false,
  build(_config, ctx) {
    const name = ctx.filterName ?? 'envoy.filters.http.cors';
    const scope = ctx.stats.scope('cors.');
    const valid = scope.counter('origin_valid');
    const invalid = scope.counter('origin_invalid');
    return (next) => (stream) => {
      const policy = stream.route()?.perFilterConfig?.get(name) as CompiledCorsPolicy | undefined;
      if (policy === undefined) return next(stream);
      const origin = stream.head.headers.get('origin');
      if (origin === undefined || !policy.enabled(Math.random())) return next(stream);
      const allowed = policy.allows(origin);
      if (allowed) valid.inc();
      else invalid.inc();
      const preflight =
        stream.head.method === 'OPTIONS' && stream.head.headers.has('access-control-request-method');
      if (preflight) {
        if (allowed) return stream.sendLocalReply(200, '', '', preflightHeaders(policy, origin));
        if (policy.config.forwardNotMatchingPreflights) return next(stream);
        return stream.sendLocalReply(200, '', '');
      }
      if (allowed) stream.addResponseHeadersHook(new CorsResponseHeaders(policy, origin));
      next(stream);
    };
  },
};

function preflightHeaders(policy: CompiledCorsPolicy, origin: string): HeaderMap {
  const c = policy.config;
  const h = new HeaderMap(['access-control-allow-origin', origin]);
  if (c.allowCredentials === true) h.add('access-control-allow-credentials', 'true');
  if (c.allowMethods !== '') h.add('access-control-allow-methods', c.allowMethods);
  if (c.allowHeaders !== '') h.add('access-control-allow-headers', c.allowHeaders);
  if (c.maxAge !== '') h.add('access-control-max-age', c.maxAge);
  if (c.allowPrivateNetworkAccess === true) h.add('access-control-allow-private-network', 'true');
  return h;
}

class CorsResponseHeaders implements ResponseHeadersHook {
  private readonly policy: CompiledCorsPolicy;
  private readonly origin: string;
  constructor(policy: CompiledCorsPolicy, origin: string) {
    this.policy = policy;
    this.origin = origin;
  }
  onResponseHeaders(_status: number, headers: HeaderMap): void {
    const c = this.policy.config;
    headers.set('access-control-allow-origin', this.origin);
    if (c.allowCredentials === true) headers.set('access-control-allow-credentials', 'true');
    if (c.exposeHeaders !== '') headers.set('access-control-expose-headers', c.exposeHeaders);
  }
}
