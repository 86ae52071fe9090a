/**
 * `envoy.filters.http.local_ratelimit`: token-bucket rate limiting in the proxy. The route's config
 * (`typed_per_filter_config`) overrides the filter's. Descriptors come from the route's
 * `rate_limits` actions (and the virtual host's, per `vh_rate_limits`) at the filter's stage; a
 * limited request gets the configured status (429) with `x-envoy-ratelimited`, the configured
 * response headers and, when enabled, `x-ratelimit-limit`, `-remaining` and `-reset` (which allowed
 * responses carry too).
 */
import { LOCAL_RATE_LIMIT_TYPE_URL, type LocalRateLimitConfig } from '@tandem/api/envoy';
import { HeaderMap } from '../../http/header-map.ts';
import type { HttpFilterFactory } from '../../http/http-filter.ts';
import type { HttpStream, ResponseHeadersHook } from '../../http/http-stream.ts';
import type {
  CompiledRateLimit,
  Descriptor,
  DescriptorContext,
} from '../../router/rate-limit-descriptors.ts';
import type { CompiledRoute } from '../../router/route-entry.ts';
import type { Clock } from '../../util/clock.ts';
import { CompiledLocalRateLimit, type RateLimitDecision } from './compiled-local-rate-limit.ts';

export function compileLocalRateLimit(config: unknown): CompiledLocalRateLimit {
  return new CompiledLocalRateLimit(config as LocalRateLimitConfig);
}

export const localRateLimitFilter: HttpFilterFactory = {
  typeUrl: LOCAL_RATE_LIMIT_TYPE_URL,
  terminal: false,
  build(config, ctx) {
    const own = compileLocalRateLimit(config);
    const name = ctx.filterName ?? 'envoy.filters.http.local_ratelimit';
    const store = ctx.stats.store;
    const clock = ctx.clock;
    own.statsFor(store);
    return (next) => (stream) => {
      const route = stream.route();
      const limiter = (route?.perFilterConfig?.get(name) as CompiledLocalRateLimit | undefined) ?? own;
      if (!limiter.enabled(Math.random())) return next(stream);
      const stats = limiter.statsFor(store);
      stats.enabled.inc();
      const descriptors = limiter.hasDescriptors
        ? descriptorsOf(stream, route, limiter, ctx.localCluster)
        : NONE;
      const decision = limiter.decide(descriptors, clock.nowMs());
      const cfg = limiter.config;
      if (decision.allowed) {
        stats.ok.inc();
        if (cfg.xRateLimitHeaders && decision.bucket !== undefined)
          stream.addResponseHeadersHook(new XRateLimitHeaders(decision, clock));
        return next(stream);
      }
      stats.rateLimited.inc();
      if (!limiter.enforced(Math.random())) {
        for (const h of cfg.requestHeadersToAddWhenNotEnforced) addHeader(stream.head.headers, h);
        return next(stream);
      }
      stats.enforced.inc();
      const headers = new HeaderMap(['x-envoy-ratelimited', 'true']);
      for (const h of limiter.responseHeadersToAdd) addHeader(headers, h);
      if (cfg.xRateLimitHeaders) new XRateLimitHeaders(decision, clock).onResponseHeaders(0, headers);
      stream.sendLocalReply(cfg.status, 'local_rate_limited', 'RL', headers);
    };
  },
};

const NONE: readonly Descriptor[] = [];

function descriptorsOf(
  stream: HttpStream,
  route: CompiledRoute | undefined,
  limiter: CompiledLocalRateLimit,
  localCluster: string,
): Descriptor[] {
  const action = route?.action;
  if (action === undefined || action.kind !== 'route') return [];
  const cfg = limiter.config;
  const ctx: DescriptorContext = {
    head: stream.head,
    connection: stream.conn,
    localCluster,
    routeCluster: action.cluster.fixedName ?? '',
  };
  const out: Descriptor[] = [];
  const collect = (limits: readonly CompiledRateLimit[]): void => {
    for (const l of limits) {
      if (l.stage !== cfg.stage) continue;
      const d = l.descriptor(ctx);
      if (d !== undefined) out.push(d);
    }
  };
  collect(action.rateLimits);
  const useVh =
    cfg.vhRateLimits === 'INCLUDE' ||
    action.includeVhRateLimits ||
    (cfg.vhRateLimits === 'OVERRIDE' && action.rateLimits.length === 0);
  if (useVh) collect(action.vhRateLimits);
  return out;
}

function addHeader(headers: HeaderMap, h: LocalRateLimitConfig['responseHeadersToAdd'][number]): void {
  const name = h.key.toLowerCase();
  switch (h.appendAction) {
    case 'APPEND_IF_EXISTS_OR_ADD':
      return headers.add(name, h.value);
    case 'ADD_IF_ABSENT':
      if (!headers.has(name)) headers.add(name, h.value);
      return;
    case 'OVERWRITE_IF_EXISTS_OR_ADD':
      return headers.set(name, h.value);
    case 'OVERWRITE_IF_EXISTS':
      if (headers.has(name)) headers.set(name, h.value);
      return;
  }
}

/** `x-ratelimit-*` (draft 03) from the bucket that decided the request. */
class XRateLimitHeaders implements ResponseHeadersHook {
  private readonly decision: RateLimitDecision;
  private readonly clock: Clock;
  constructor(decision: RateLimitDecision, clock: Clock) {
    this.decision = decision;
    this.clock = clock;
  }
  onResponseHeaders(_status: number, headers: HeaderMap): void {
    const b = this.decision.bucket;
    if (b === undefined) return;
    const now = this.clock.nowMs();
    headers.set('x-ratelimit-limit', String(b.maxTokens));
    headers.set('x-ratelimit-remaining', String(b.available(now)));
    headers.set('x-ratelimit-reset', String(b.secondsToNextFill(now)));
  }
}
