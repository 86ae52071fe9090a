/**
 * An HTTPFault config compiled once (for the filter, or for a route): which requests it applies to,
 * and per request whether to delay (and how long) and whether to abort (and with what).
 */
import type { FaultConfig } from '@tandem/api/envoy';
import type { RequestHead } from '../../http/request-head.ts';
import { CompiledHeaderMatcher, matchAllHeaders } from '../../router/header-matcher.ts';
import { ConfigPath } from '../../router/route-config-error.ts';

const ALL = 1_000_000;
export const DELAY_HEADER = 'x-envoy-fault-delay-request';
export const DELAY_PERCENT_HEADER = 'x-envoy-fault-delay-request-percentage';
export const ABORT_HEADER = 'x-envoy-fault-abort-request';
export const ABORT_GRPC_HEADER = 'x-envoy-fault-abort-grpc-request';
export const ABORT_PERCENT_HEADER = 'x-envoy-fault-abort-request-percentage';

/** What to abort with: an HTTP status, or a gRPC status (HTTP 200 with `grpc-status`). */
export type AbortDecision = { http: number } | { grpc: number };

export class CompiledFault {
  readonly maxActiveFaults: number | undefined;
  private readonly config: FaultConfig;
  private readonly headers: readonly CompiledHeaderMatcher[];
  private readonly nodes: ReadonlySet<string>;

  constructor(config: FaultConfig) {
    this.config = config;
    this.maxActiveFaults = config.maxActiveFaults;
    const at = new ConfigPath('', 'fault.headers');
    this.headers = config.headers.map((m, i) => new CompiledHeaderMatcher(m, at.at(i)));
    this.nodes = new Set(config.downstreamNodes);
  }

  /** Whether the fault may apply to this request at all (cluster, headers, downstream node). */
  appliesTo(head: RequestHead, routeCluster: string | undefined): boolean {
    const c = this.config;
    if (c.delay === undefined && c.abort === undefined) return false;
    if (c.upstreamCluster !== '' && routeCluster !== c.upstreamCluster) return false;
    if (this.headers.length > 0 && !matchAllHeaders(this.headers, head)) return false;
    if (this.nodes.size > 0) {
      const node = head.headers.get('x-envoy-downstream-service-node');
      if (node === undefined || !this.nodes.has(node)) return false;
    }
    return true;
  }

  /** Milliseconds to delay this request (0: none); `random` is a float in [0, 1). */
  delayMs(head: RequestHead, random: number): number {
    const d = this.config.delay;
    if (d === undefined) return 0;
    let ms = d.fixedDelayMs;
    if (ms === undefined) {
      const v = head.headers.get(DELAY_HEADER);
      if (v === undefined || !/^\d+$/.test(v)) return 0;
      ms = Number(v);
    }
    return sampled(d.fraction, head.headers.get(DELAY_PERCENT_HEADER), random) ? ms : 0;
  }

  /** The abort for this request, or undefined. */
  abort(head: RequestHead, random: number): AbortDecision | undefined {
    const a = this.config.abort;
    if (a === undefined) return undefined;
    let decision: AbortDecision | undefined;
    if (a.httpStatus !== undefined) decision = { http: a.httpStatus };
    else if (a.grpcStatus !== undefined) decision = { grpc: a.grpcStatus };
    else decision = fromHeaders(head);
    if (decision === undefined) return undefined;
    return sampled(a.fraction, head.headers.get(ABORT_PERCENT_HEADER), random) ? decision : undefined;
  }
}

/** Header-asked aborts: an HTTP status in 200..599, or a gRPC status. */
function fromHeaders(head: RequestHead): AbortDecision | undefined {
  const http = head.headers.get(ABORT_HEADER);
  if (http !== undefined && /^\d{3}$/.test(http)) {
    const status = Number(http);
    if (status >= 200 && status < 600) return { http: status };
  }
  const grpc = head.headers.get(ABORT_GRPC_HEADER);
  if (grpc !== undefined && /^\d+$/.test(grpc)) return { grpc: Number(grpc) };
  return undefined;
}

/**
 * Whether a request falls in the configured share. A percentage header (a percent, 0..100) can
 * only lower the configured share.
 */
function sampled(fraction: number, header: string | undefined, random: number): boolean {
  let share = fraction;
  if (header !== undefined && /^\d+$/.test(header)) share = Math.min(share, Number(header) * 10_000);
  return share >= ALL || Math.floor(random * ALL) < share;
}
