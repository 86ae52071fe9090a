/**
 * HTTP filters compose as `next => handler` (STYLE rule 3). Each filter type is a factory in a
 * registry keyed by its type URL (rule 5); the connection manager folds the configured list into
 * one handler when its config is built, and refuses a chain whose last filter is not terminal.
 */
import type { HttpFilter } from '@tandem/api/envoy';
import type { StatsScope } from '../stats/stats.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import type { Clock } from '../util/clock.ts';
import { TandemError } from '../util/errors.ts';
import type { HttpStream } from './http-stream.ts';

export type HttpHandler = (stream: HttpStream) => void;
export type HttpLayer = (next: HttpHandler) => HttpHandler;

export interface HttpFilterContext {
  readonly clusters: ClusterManager;
  /** The connection manager's scope, `http.<stat_prefix>.` (its `store` is the root). */
  readonly stats: StatsScope;
  readonly clock: Clock;
  /** The proxy's `node.cluster`. */
  readonly localCluster: string;
  /** This filter's name in `http_filters` (the key of its per-route configs). Set by the chain builder. */
  readonly filterName?: string;
}

export interface HttpFilterFactory {
  readonly typeUrl: string;
  /** A terminal filter (the router) ends the chain and ignores `next`. */
  readonly terminal: boolean;
  build(config: unknown, ctx: HttpFilterContext): HttpLayer;
}

const registry = new Map<string, HttpFilterFactory>();

export function registerHttpFilter(factory: HttpFilterFactory): void {
  registry.set(factory.typeUrl, factory);
}

/** Folds the configured filters into one handler; the last must be terminal. */
export function buildHttpFilterChain(filters: readonly HttpFilter[], ctx: HttpFilterContext): HttpHandler {
  const factories = filters.map((f) => {
    const factory = registry.get(f.typeUrl);
    if (factory === undefined) {
      throw new TandemError(
        'TANDEM_ERR_HTTP_FILTER',
        `http filter "${f.name}": no filter registered for ${f.typeUrl}`,
      );
    }
    return factory;
  });
  const last = factories[factories.length - 1];
  if (last === undefined || !last.terminal) {
    throw new TandemError(
      'TANDEM_ERR_HTTP_FILTER',
      'http filter chain must end with a terminal filter (the router)',
    );
  }
  let handler: HttpHandler = unreachable;
  for (let i = factories.length - 1; i >= 0; i--)
    handler = factories[i]!.build(filters[i]!.config, { ...ctx, filterName: filters[i]!.name })(handler);
  return handler;
}

function unreachable(stream: HttpStream): void {
  stream.sendLocalReply(500, 'no terminal filter', '');
}
