import { DEFAULT_UPSTREAM_LIMITS, type UpstreamHttpLimits } from '../core/common-http-protocol-options.ts';
import { DEFAULT_HTTP2_OPTIONS } from '../core/http2-protocol-options.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import type { FieldValues } from '../schema/message.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import type { Cluster, SlowStartConfig } from '../types.ts';
import type { clusterFields } from './cluster.ts';
import { DEFAULT_LEAST_REQUEST, DEFAULT_MAGLEV, DEFAULT_RING_HASH } from './lb-configs.ts';
import { forEachEndpoint, requireIpEndpoints } from './load-assignment.ts';
import { HTTP_PROTOCOL_OPTIONS_KEY, type UpstreamHttpOptions } from './upstream-http-options.ts';

type Values = FieldValues<typeof clusterFields>;

/** Turns clean Cluster fields into a Cluster, applying the rules that tie fields to the cluster type. */
export function buildCluster(v: Values, ctx: ValidationContext): Cluster | undefined {
  const before = ctx.errorCount;
  checkDiscovery(v, ctx);
  const http = upstreamHttp(v, ctx);
  if (ctx.errorCount > before || http === undefined) return undefined;
  const loadAssignment =
    v.load_assignment === undefined
      ? undefined
      : { ...v.load_assignment, clusterName: v.load_assignment.clusterName || v.name };
  return {
    name: v.name,
    type: v.type,
    connectTimeoutMs: v.connect_timeout,
    // An ORIGINAL_DST cluster's hosts are chosen by the connection (CLUSTER_PROVIDED); no balancer runs.
    lbPolicy: v.lb_policy === 'CLUSTER_PROVIDED' ? 'ROUND_ROBIN' : v.lb_policy,
    cleanupIntervalMs: v.cleanup_interval,
    loadAssignment,
    edsServiceName: v.type === 'EDS' ? v.eds_cluster_config?.serviceName || v.name : undefined,
    ...(v.type === 'EDS' && v.eds_cluster_config !== undefined
      ? { edsInitialFetchTimeoutMs: v.eds_cluster_config.initialFetchTimeoutMs }
      : {}),
    dnsLookupFamily: v.dns_lookup_family,
    dnsRefreshRateMs: v.dns_refresh_rate,
    protocol: http.protocol,
    http2: http.http2,
    idleTimeoutMs: http.limits.idleTimeoutMs,
    maxRequestsPerConnection: http.limits.maxRequestsPerConnection,
    transportSocket: v.transport_socket,
    ...(v.transport_socket_matches.length > 0 ? { transportSocketMatches: v.transport_socket_matches } : {}),
    perConnectionBufferLimitBytes: v.per_connection_buffer_limit_bytes,
    ringHash: v.ring_hash_lb_config ?? DEFAULT_RING_HASH,
    maglev: v.maglev_lb_config ?? DEFAULT_MAGLEV,
    leastRequest: { choiceCount: (v.least_request_lb_config ?? DEFAULT_LEAST_REQUEST).choiceCount },
    healthyPanicThresholdPercent: v.common_lb_config.healthyPanicThresholdPercent,
    localityWeightedLb: v.common_lb_config.localityWeightedLb,
    ...(v.circuit_breakers !== undefined ? { circuitBreakers: v.circuit_breakers } : {}),
    ...(v.outlier_detection !== undefined ? { outlierDetection: v.outlier_detection } : {}),
    ...(v.health_checks.length > 0 ? { healthChecks: v.health_checks } : {}),
    ...slowStartOf(v),
  };
}

/** Slow start from the round robin or least request config, for the policy the cluster uses. */
function slowStartOf(v: Values): { slowStart?: SlowStartConfig } {
  const slow =
    v.lb_policy === 'ROUND_ROBIN'
      ? v.round_robin_lb_config?.slowStart
      : v.lb_policy === 'LEAST_REQUEST'
        ? v.least_request_lb_config?.slowStart
        : undefined;
  return slow === undefined ? {} : { slowStart: slow };
}

/** Endpoint rules per discovery type (Envoy's cluster factories enforce the same). */
function checkDiscovery(v: Values, ctx: ValidationContext): void {
  if (v.type === 'EDS') checkEds(v, ctx);
  else if (v.type === 'STATIC') checkStatic(v, ctx.field('load_assignment'));
  else if (v.type === 'ORIGINAL_DST') checkOriginalDst(v, ctx);
  else checkDns(v, ctx.field('load_assignment'));
  if (v.lb_policy === 'CLUSTER_PROVIDED' && v.type !== 'ORIGINAL_DST') {
    ctx
      .field('lb_policy')
      .error(ConfigIssueCode.invalid, 'CLUSTER_PROVIDED is only for ORIGINAL_DST clusters');
  }
}

/** An ORIGINAL_DST cluster connects to where each downstream connection was originally headed. */
function checkOriginalDst(v: Values, ctx: ValidationContext): void {
  if (v.load_assignment !== undefined) {
    ctx
      .field('load_assignment')
      .error(ConfigIssueCode.invalid, 'an ORIGINAL_DST cluster has no configured endpoints');
  }
  if (v.lb_policy !== 'CLUSTER_PROVIDED' && v.lb_policy !== 'ROUND_ROBIN') {
    ctx.field('lb_policy').error(ConfigIssueCode.invalid, 'an ORIGINAL_DST cluster uses CLUSTER_PROVIDED');
  }
}

function checkEds(v: Values, ctx: ValidationContext): void {
  const config = ctx.field('eds_cluster_config');
  if (v.eds_cluster_config === undefined) {
    config.error(ConfigIssueCode.required, 'an EDS cluster needs eds_cluster_config');
  } else {
    const service = v.eds_cluster_config.serviceName || v.name;
    config.field('eds_config').reference('ads_resource', service, `endpoints for EDS cluster "${v.name}"`);
  }
  if (v.load_assignment !== undefined) {
    const message = 'an EDS cluster gets its endpoints from EDS; remove load_assignment';
    ctx.field('load_assignment').error(ConfigIssueCode.invalid, message);
  }
}

function checkStatic(v: Values, at: ValidationContext): void {
  if (v.load_assignment === undefined) return;
  const why = 'a STATIC cluster needs IP addresses (use STRICT_DNS or LOGICAL_DNS for hostnames)';
  requireIpEndpoints(v.load_assignment, at, why);
}

function checkDns(v: Values, at: ValidationContext): void {
  if (v.load_assignment === undefined) {
    at.error(
      ConfigIssueCode.required,
      `a ${v.type} cluster needs load_assignment with the hostnames to resolve`,
    );
    return;
  }
  let count = 0;
  forEachEndpoint(v.load_assignment, at, () => count++);
  if (v.type === 'LOGICAL_DNS' && count !== 1) {
    at.error(ConfigIssueCode.invalid, `a LOGICAL_DNS cluster needs exactly one endpoint, got ${count}`);
  }
}

/** Upstream protocol and limits, from typed_extension_protocol_options or the deprecated cluster fields. */
function upstreamHttp(v: Values, ctx: ValidationContext): UpstreamHttpOptions | undefined {
  const typed = v.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS_KEY]?.value;
  const legacy = legacyFieldsSet(v);
  if (typed !== undefined) {
    if (legacy.length === 0) return typed;
    const names = legacy.join(', ');
    ctx
      .field('typed_extension_protocol_options')
      .error(ConfigIssueCode.invalid, `cannot be combined with the deprecated cluster fields ${names}`);
    return undefined;
  }
  const common = v.common_http_protocol_options;
  const limits: UpstreamHttpLimits = {
    idleTimeoutMs: common?.idleTimeoutMs ?? DEFAULT_UPSTREAM_LIMITS.idleTimeoutMs,
    maxRequestsPerConnection: v.max_requests_per_connection ?? common?.maxRequestsPerConnection ?? 0,
  };
  const downstream = v.protocol_selection === 'USE_DOWNSTREAM_PROTOCOL';
  const protocol = downstream ? 'downstream' : v.http2_protocol_options !== undefined ? 'http2' : 'http1';
  return { protocol, http2: v.http2_protocol_options ?? DEFAULT_HTTP2_OPTIONS, limits };
}

function legacyFieldsSet(v: Values): string[] {
  const fields = {
    http2_protocol_options: v.http2_protocol_options,
    common_http_protocol_options: v.common_http_protocol_options,
    max_requests_per_connection: v.max_requests_per_connection,
    protocol_selection: v.protocol_selection,
  };
  return Object.entries(fields).flatMap(([name, value]) => (value === undefined ? [] : [name]));
}
