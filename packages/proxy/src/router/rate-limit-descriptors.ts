/**
 * A route's `rate_limits`, compiled: each entry turns a request into one descriptor (an ordered
 * list of key/value entries) for the local rate limit filter. An action that cannot produce its
 * entry (a header that is absent, a header match that fails) drops that entry's descriptor, as
 * Envoy does.
 */
import type { RateLimitAction, RateLimitPolicy } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import { CompiledHeaderMatcher, matchAllHeaders } from './header-matcher.ts';
import { readRequestHeader } from './request-header-value.ts';
import type { ConfigPath } from './route-config-error.ts';

/** One descriptor entry. */
export interface DescriptorEntry {
  readonly key: string;
  readonly value: string;
}

export type Descriptor = readonly DescriptorEntry[];

/** What descriptor actions may read besides the request head. */
export interface DescriptorContext {
  readonly head: RequestHead;
  readonly connection: DownstreamConnectionInfo;
  /** The proxy's own cluster name (`node.cluster`), for `source_cluster`. */
  readonly localCluster: string;
  /** The cluster the route picked, for `destination_cluster`; '' when unknown. */
  readonly routeCluster: string;
}

type Action = (ctx: DescriptorContext) => DescriptorEntry | undefined;

function compileAction(a: RateLimitAction, at: ConfigPath): Action {
  switch (a.kind) {
    case 'sourceCluster':
      return (ctx) => ({ key: 'source_cluster', value: ctx.localCluster });
    case 'destinationCluster':
      return (ctx) =>
        ctx.routeCluster === '' ? undefined : { key: 'destination_cluster', value: ctx.routeCluster };
    case 'remoteAddress':
      return (ctx) => ({ key: 'remote_address', value: ctx.connection.remoteAddress });
    case 'genericKey': {
      const entry = { key: a.descriptorKey, value: a.descriptorValue };
      return () => entry;
    }
    case 'requestHeaders': {
      const name = a.headerName.toLowerCase();
      return (ctx) => {
        const v = readRequestHeader(ctx.head, name);
        return v === undefined ? undefined : { key: a.descriptorKey, value: v };
      };
    }
    case 'headerValueMatch': {
      const matchers = a.headers.map((m, i) => new CompiledHeaderMatcher(m, at.at('headers').at(i)));
      const entry = { key: a.descriptorKey, value: a.descriptorValue };
      return (ctx) => (matchAllHeaders(matchers, ctx.head) === a.expectMatch ? entry : undefined);
    }
  }
}

/** One `rate_limits` entry. */
export class CompiledRateLimit {
  readonly stage: number;
  private readonly actions: readonly Action[];
  /** `request_headers` actions with `skip_if_absent` let the descriptor go on without them. */
  private readonly skippable: readonly boolean[];

  constructor(p: RateLimitPolicy, at: ConfigPath) {
    this.stage = p.stage;
    this.actions = p.actions.map((a, i) => compileAction(a, at.at('actions').at(i)));
    this.skippable = p.actions.map((a) => a.kind === 'requestHeaders' && a.skipIfAbsent);
  }

  /** The descriptor for this request, or undefined when an action cannot produce its entry. */
  descriptor(ctx: DescriptorContext): Descriptor | undefined {
    const out: DescriptorEntry[] = [];
    for (let i = 0; i < this.actions.length; i++) {
      const e = this.actions[i]!(ctx);
      if (e !== undefined) out.push(e);
      else if (!this.skippable[i]) return undefined;
    }
    return out.length === 0 ? undefined : out;
  }
}

export function compileRateLimits(
  policies: readonly RateLimitPolicy[] | undefined,
  at: ConfigPath,
): readonly CompiledRateLimit[] {
  return (policies ?? []).map((p, i) => new CompiledRateLimit(p, at.at(i)));
}
