/**
 * `envoy.filters.http.fault`: delays and aborts requests per the HTTPFault config of the route
 * (`typed_per_filter_config`) or of the filter. A delayed request resumes the chain from a timer;
 * the body waits in the stream meanwhile. Stats under `http.<stat_prefix>.fault.`: delays_injected,
 * aborts_injected, active_faults, faults_overflow.
 */
import { FAULT_TYPE_URL, type FaultConfig } from '@tandem/api/envoy';
import { HeaderMap } from '../../http/header-map.ts';
import type { HttpFilterFactory, HttpHandler } from '../../http/http-filter.ts';
import type { HttpStream } from '../../http/http-stream.ts';
import type { Counter, Gauge } from '../../stats/stats.ts';
import { type AbortDecision, CompiledFault } from './compiled-fault.ts';

interface FaultStats {
  delaysInjected: Counter;
  abortsInjected: Counter;
  activeFaults: Gauge;
  faultsOverflow: Counter;
}

export function compileFault(config: unknown): CompiledFault {
  return new CompiledFault(config as FaultConfig);
}

export const faultFilter: HttpFilterFactory = {
  typeUrl: FAULT_TYPE_URL,
  terminal: false,
  build(config, ctx) {
    const own = compileFault(config);
    const name = ctx.filterName ?? 'envoy.filters.http.fault';
    const scope = ctx.stats.scope('fault.');
    const stats: FaultStats = {
      delaysInjected: scope.counter('delays_injected'),
      abortsInjected: scope.counter('aborts_injected'),
      activeFaults: scope.gauge('active_faults'),
      faultsOverflow: scope.counter('faults_overflow'),
    };
    return (next) => (stream) => {
      const route = stream.route();
      const perRoute = route?.perFilterConfig?.get(name) as CompiledFault | undefined;
      const fault = perRoute ?? own;
      const action = route?.action;
      const cluster = action?.kind === 'route' ? action.cluster.fixedName : undefined;
      if (!fault.appliesTo(stream.head, cluster)) return next(stream);
      const max = fault.maxActiveFaults;
      if (max !== undefined && stats.activeFaults.value >= max) {
        stats.faultsOverflow.inc();
        return next(stream);
      }
      const delay = fault.delayMs(stream.head, Math.random());
      if (delay > 0) {
        stats.delaysInjected.inc();
        stats.activeFaults.inc();
        stream.responseFlags ||= 'DI';
        return void setTimeout(resumeAfterDelay, delay, new DelayedRequest(stream, next, fault, stats));
      }
      applyAbort(stream, next, fault, stats, false);
    };
  },
};

/** A request waiting out an injected delay. */
class DelayedRequest {
  readonly stream: HttpStream;
  readonly next: HttpHandler;
  readonly fault: CompiledFault;
  readonly stats: FaultStats;
  constructor(stream: HttpStream, next: HttpHandler, fault: CompiledFault, stats: FaultStats) {
    this.stream = stream;
    this.next = next;
    this.fault = fault;
    this.stats = stats;
  }
}

function resumeAfterDelay(d: DelayedRequest): void {
  d.stats.activeFaults.dec();
  if (d.stream.responseComplete) return; // the client gave up while waiting
  applyAbort(d.stream, d.next, d.fault, d.stats, true);
}

function applyAbort(
  stream: HttpStream,
  next: HttpHandler,
  fault: CompiledFault,
  stats: FaultStats,
  delayed: boolean,
): void {
  const abort = fault.abort(stream.head, Math.random());
  if (abort === undefined) return next(stream);
  stats.abortsInjected.inc();
  if (delayed) stream.responseFlags = 'DI,FI';
  sendAbort(stream, abort);
}

function sendAbort(stream: HttpStream, abort: AbortDecision): void {
  if ('http' in abort) return stream.sendLocalReply(abort.http, 'fault filter abort', 'FI');
  const headers = new HeaderMap([
    'content-type',
    'application/grpc',
    'grpc-status',
    String(abort.grpc),
    'grpc-message',
    'fault filter abort',
  ]);
  stream.sendLocalReply(200, '', 'FI', headers);
}
