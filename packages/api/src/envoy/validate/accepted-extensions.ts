import { accessLoggers } from '../access-log/access-log.ts';
import { upstreamExtensions } from '../cluster/upstream-http-options.ts';
import { httpFilterPerRouteConfigs, httpFilters } from '../hcm/http-filter-registry.ts';
import { listenerFilters } from '../listener/listener-filter.ts';
import { networkFilters } from '../listener/network-filter.ts';
import { retryHostPredicates } from '../route/retry-policy.ts';
import { downstreamTransportSockets, upstreamTransportSockets } from '../tls/transport-socket.ts';
import { tracers } from '../tracing/tracing.ts';
import { ensureBuiltinExtensions } from './builtin-extensions.ts';

/**
 * The type URL of every extension the validator accepts in a `typed_config` (filters, transport sockets,
 * access loggers, tracers, ...), built-ins included: what an xDS client must be able to decode.
 */
export function acceptedExtensionTypeUrls(): string[] {
  ensureBuiltinExtensions();
  const registries = [
    networkFilters,
    httpFilters,
    httpFilterPerRouteConfigs,
    listenerFilters,
    downstreamTransportSockets,
    upstreamTransportSockets,
    upstreamExtensions,
    accessLoggers,
    tracers,
    retryHostPredicates,
  ];
  return [...new Set(registries.flatMap((registry) => registry.entries().map((entry) => entry.typeUrl)))];
}
