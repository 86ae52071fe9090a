import type { RouteAction } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { type ClusterChoice, type ClusterPicker, compileClusterPicker } from './cluster-picker.ts';
import { type CompiledHashPolicy, compileHashPolicy } from './hash-policy.ts';
import { type CompiledMirrorPolicy, compileMirrorPolicies } from './mirror-policy.ts';
import type { CompiledPathMatcher } from './path-matcher.ts';
import { compilePathRewrite, type PathRewriter } from './path-rewrite.ts';
import { type CompiledRateLimit, compileRateLimits } from './rate-limit-descriptors.ts';
import { readFirstRequestHeader } from './request-header-value.ts';
import { type CompiledRetryPolicy, compileRetryPolicy } from './retry-policy.ts';
import type { ConfigPath } from './route-config-error.ts';
import type { RouteScope } from './route-entry.ts';

/** Header Envoy sets to the pre-rewrite `:path` when a route rewrites the path. */
export const ORIGINAL_PATH_HEADER = 'x-envoy-original-path';

/**
 * A compiled `RouteAction`: everything the router reads to forward a request upstream.
 */
export class CompiledRouteAction {
  readonly kind = 'route';
  readonly cluster: ClusterPicker;
  /**
   * Status for a cluster that does not exist or a `cluster_header` that is missing: Envoy's
   * `cluster_not_found_response_code` default, 503 (response flag NC).
   */
  readonly clusterNotFoundStatus = 503;
  readonly pathRewriter: PathRewriter | undefined;
  /** `host_rewrite_literal`, or undefined. */
  readonly hostRewriteLiteral: string | undefined;
  /** `host_rewrite_header` (lower-case), or undefined. */
  readonly hostRewriteHeader: string | undefined;
  /**
   * `auto_host_rewrite`: once a host is chosen, the router sets the authority to the host's
   * hostname (`Host.hostname`) when that is non-empty.
   */
  readonly autoHostRewrite: boolean;
  /** Route timeout; 0 disables. */
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number | undefined;
  readonly maxStreamDurationMs: number | undefined;
  readonly grpcTimeoutHeaderMaxMs: number | undefined;
  readonly hashPolicy: CompiledHashPolicy | undefined;
  /** Per-route upgrade overrides, keyed by lower-case upgrade type (e.g. `websocket`). */
  readonly upgrades: ReadonlyMap<string, boolean>;
  /** The route's retry policy, else its virtual host's; undefined: no retries. */
  readonly retryPolicy: CompiledRetryPolicy | undefined;
  /** Shadow clusters; undefined when the request is not mirrored. */
  readonly mirrors: readonly CompiledMirrorPolicy[] | undefined;
  /** Descriptor actions for the local rate limit filter: the route's own. */
  readonly rateLimits: readonly CompiledRateLimit[];
  /** The virtual host's descriptor actions (the filter's `vh_rate_limits` decides their use). */
  readonly vhRateLimits: readonly CompiledRateLimit[];
  /** The route's (deprecated) `include_vh_rate_limits`. */
  readonly includeVhRateLimits: boolean;
  /** Circuit breaker priority: 0 DEFAULT, 1 HIGH. */
  readonly priority: 0 | 1;
  readonly includeRequestAttemptCount: boolean;
  readonly includeAttemptCountInResponse: boolean;

  constructor(a: RouteAction, matcher: CompiledPathMatcher, at: ConfigPath, scope?: RouteScope) {
    this.cluster = compileClusterPicker(a.cluster, at.at('cluster'));
    this.pathRewriter = compilePathRewrite(matcher, a.prefixRewrite, a.regexRewrite, at);
    const hr = a.hostRewrite;
    this.hostRewriteLiteral = hr?.kind === 'literal' && hr.value !== '' ? hr.value : undefined;
    this.hostRewriteHeader = hr?.kind === 'header' && hr.header !== '' ? hr.header.toLowerCase() : undefined;
    this.autoHostRewrite = hr?.kind === 'auto';
    this.timeoutMs = a.timeoutMs;
    this.idleTimeoutMs = a.idleTimeoutMs;
    this.maxStreamDurationMs = a.maxStreamDurationMs;
    this.grpcTimeoutHeaderMaxMs = a.grpcTimeoutHeaderMaxMs;
    this.hashPolicy = compileHashPolicy(a.hashPolicy, at.at('hashPolicy'));
    this.upgrades = compileUpgrades(a.upgradeConfigs, at.at('upgradeConfigs'));
    this.retryPolicy = compileRetryPolicy(a.retryPolicy ?? scope?.retryPolicy, at.at('retryPolicy'));
    this.mirrors = compileMirrorPolicies(a.requestMirrorPolicies ?? scope?.requestMirrorPolicies);
    this.rateLimits = compileRateLimits(a.rateLimits, at.at('rateLimits'));
    this.vhRateLimits = compileRateLimits(scope?.rateLimits, at.at('virtualHost.rateLimits'));
    this.includeVhRateLimits = a.includeVhRateLimits ?? false;
    this.priority = a.priority === 'HIGH' ? 1 : 0;
    this.includeRequestAttemptCount = scope?.includeRequestAttemptCount ?? false;
    this.includeAttemptCountInResponse = scope?.includeAttemptCountInResponse ?? false;
  }

  /** The cluster for this request (see `ClusterPicker.pick`). */
  pickCluster(head: RequestHead, randomUint: number): ClusterChoice | undefined {
    return this.cluster.pick(head, randomUint);
  }

  /** Applies `host_rewrite_literal` / `host_rewrite_header` to `head.authority`. */
  rewriteHost(head: RequestHead): void {
    if (this.hostRewriteLiteral !== undefined) {
      head.authority = this.hostRewriteLiteral;
    } else if (this.hostRewriteHeader !== undefined) {
      const v = readFirstRequestHeader(head, this.hostRewriteHeader);
      if (v !== undefined && v !== '') head.authority = v;
    }
  }

  /**
   * Applies `prefix_rewrite` / `regex_rewrite` to `head.path`, recording the original path in
   * `x-envoy-original-path` unless `suppressEnvoyHeaders`.
   */
  rewritePath(head: RequestHead, suppressEnvoyHeaders: boolean): void {
    if (this.pathRewriter === undefined) return;
    if (!suppressEnvoyHeaders) head.headers.set(ORIGINAL_PATH_HEADER, head.path);
    head.path = this.pathRewriter.rewrite(head.path);
  }
}

function compileUpgrades(
  configs: RouteAction['upgradeConfigs'],
  at: ConfigPath,
): ReadonlyMap<string, boolean> {
  const map = new Map<string, boolean>();
  configs.forEach((u, i) => {
    const type = u.upgradeType.toLowerCase();
    if (map.has(type)) throw at.at(i).at('upgradeType').error(`duplicate upgrade ${u.upgradeType}`);
    map.set(type, u.enabled);
  });
  return map;
}
