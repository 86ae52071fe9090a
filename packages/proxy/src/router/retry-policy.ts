/**
 * A route's `retry_policy`, compiled once: the `retry_on` conditions as bit flags, the retriable
 * status codes and headers, the per-try timeout and the back-off. The router asks it, for each
 * failed attempt, whether the failure is retriable; counting retries and budgets is the router's.
 *
 * Envoy's rules: a per-try timeout counts as a 504; a response is retriable on `5xx` (any 5xx),
 * `gateway-error` (502, 503, 504), `retriable-4xx` (409), `retriable-status-codes`,
 * `retriable-headers`, `envoy-ratelimited` and the gRPC conditions (a `grpc-status` in the response
 * head); a reset or a failed connection is retriable on `5xx`, `gateway-error`, `reset`, and
 * `connect-failure` (connection failures) or `refused-stream` (HTTP/2 REFUSED_STREAM).
 */
import type { RetryPolicy } from '@tandem/api/envoy';
import type { UpstreamResetReason } from '../http/codec.ts';
import type { HeaderMap } from '../http/header-map.ts';
import type { RequestHead } from '../http/request-head.ts';
import { CompiledHeaderMatcher, matchAllHeaders } from './header-matcher.ts';
import type { ConfigPath } from './route-config-error.ts';

const ON_5XX = 1;
const ON_GATEWAY_ERROR = 2;
const ON_RESET = 4;
const ON_CONNECT_FAILURE = 8;
const ON_RETRIABLE_4XX = 16;
const ON_REFUSED_STREAM = 32;
const ON_RETRIABLE_STATUS_CODES = 64;
const ON_RETRIABLE_HEADERS = 128;
const ON_ENVOY_RATELIMITED = 256;
const ON_RESET_BEFORE_REQUEST = 512;
const ON_GRPC_CANCELLED = 1024;
const ON_GRPC_DEADLINE_EXCEEDED = 2048;
const ON_GRPC_RESOURCE_EXHAUSTED = 4096;
const ON_GRPC_UNAVAILABLE = 8192;
const ON_GRPC_INTERNAL = 16384;
const ON_ANY_GRPC =
  ON_GRPC_CANCELLED |
  ON_GRPC_DEADLINE_EXCEEDED |
  ON_GRPC_RESOURCE_EXHAUSTED |
  ON_GRPC_UNAVAILABLE |
  ON_GRPC_INTERNAL;

const FLAGS: Readonly<Record<string, number>> = {
  '5xx': ON_5XX,
  'gateway-error': ON_GATEWAY_ERROR,
  reset: ON_RESET,
  'reset-before-request': ON_RESET_BEFORE_REQUEST,
  'connect-failure': ON_CONNECT_FAILURE,
  'retriable-4xx': ON_RETRIABLE_4XX,
  'refused-stream': ON_REFUSED_STREAM,
  'retriable-status-codes': ON_RETRIABLE_STATUS_CODES,
  'retriable-headers': ON_RETRIABLE_HEADERS,
  'envoy-ratelimited': ON_ENVOY_RATELIMITED,
  'http3-post-connect-failure': 0,
  cancelled: ON_GRPC_CANCELLED,
  'deadline-exceeded': ON_GRPC_DEADLINE_EXCEEDED,
  'resource-exhausted': ON_GRPC_RESOURCE_EXHAUSTED,
  unavailable: ON_GRPC_UNAVAILABLE,
  internal: ON_GRPC_INTERNAL,
};

/** The failure of one attempt, as the retry policy classifies it. */
export type AttemptFailure = UpstreamResetReason | 'per-try-timeout';

export class CompiledRetryPolicy {
  readonly numRetries: number;
  readonly perTryTimeoutMs: number;
  readonly baseIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly previousHosts: boolean;
  readonly hostSelectionMaxAttempts: number;
  private readonly on: number;
  private readonly statusCodes: ReadonlySet<number>;
  private readonly retriableHeaders: readonly CompiledHeaderMatcher[];
  private readonly requestHeaders: readonly CompiledHeaderMatcher[];

  constructor(p: RetryPolicy, at: ConfigPath) {
    let on = 0;
    for (const c of p.retryOn) on |= FLAGS[c] ?? 0;
    this.on = on;
    this.numRetries = p.numRetries;
    this.perTryTimeoutMs = p.perTryTimeoutMs;
    this.baseIntervalMs = p.backOff.baseIntervalMs;
    this.maxIntervalMs = p.backOff.maxIntervalMs;
    this.previousHosts = p.previousHostsPredicate;
    this.hostSelectionMaxAttempts = p.hostSelectionRetryMaxAttempts;
    this.statusCodes = new Set(p.retriableStatusCodes);
    this.retriableHeaders = p.retriableHeaders.map(
      (m, i) => new CompiledHeaderMatcher(m, at.at('retriableHeaders').at(i)),
    );
    this.requestHeaders = p.retriableRequestHeaders.map(
      (m, i) => new CompiledHeaderMatcher(m, at.at('retriableRequestHeaders').at(i)),
    );
  }

  /** Whether this request may be retried at all (`retriable_request_headers`, retries > 0). */
  appliesTo(head: RequestHead): boolean {
    if (this.numRetries === 0 || this.on === 0) return false;
    return this.requestHeaders.length === 0 || matchAllHeaders(this.requestHeaders, head);
  }

  /** Whether an upstream response head makes the attempt retriable. */
  retriableResponse(status: number, headers: HeaderMap): boolean {
    const on = this.on;
    if ((on & ON_5XX) !== 0 && status >= 500 && status < 600) return true;
    if ((on & ON_GATEWAY_ERROR) !== 0 && status >= 502 && status <= 504) return true;
    if ((on & ON_RETRIABLE_4XX) !== 0 && status === 409) return true;
    if ((on & ON_RETRIABLE_STATUS_CODES) !== 0 && this.statusCodes.has(status)) return true;
    if ((on & ON_ENVOY_RATELIMITED) !== 0 && headers.has('x-envoy-ratelimited')) return true;
    if ((on & ON_RETRIABLE_HEADERS) !== 0 && this.matchesRetriableHeaders(headers)) return true;
    if ((on & ON_ANY_GRPC) !== 0) return this.retriableGrpc(headers);
    return false;
  }

  /**
   * Whether a failure without a response makes the attempt retriable. `requestSent` tells
   * `reset-before-request` apart.
   */
  retriableFailure(failure: AttemptFailure, requestSent: boolean): boolean {
    const on = this.on;
    if (failure === 'per-try-timeout') return (on & (ON_5XX | ON_GATEWAY_ERROR | ON_RESET)) !== 0;
    if (failure === 'overflow') return false;
    if ((on & (ON_5XX | ON_GATEWAY_ERROR | ON_RESET)) !== 0) return true;
    if ((on & ON_RESET_BEFORE_REQUEST) !== 0 && !requestSent) return true;
    const connect = failure === 'connect-failure' || failure === 'connect-timeout';
    if ((on & ON_CONNECT_FAILURE) !== 0 && connect) return true;
    return (on & ON_REFUSED_STREAM) !== 0 && failure === 'refused-stream';
  }

  /**
   * Envoy's jittered exponential back-off: before retry `n` (1-based), a random wait in
   * [0, min((2^n - 1) * base, max)).
   */
  backOffMs(retry: number, random: number): number {
    const span = Math.min((2 ** Math.min(retry, 30) - 1) * this.baseIntervalMs, this.maxIntervalMs);
    return Math.floor(random * span);
  }

  private retriableGrpc(headers: HeaderMap): boolean {
    const raw = headers.get('grpc-status');
    if (raw === undefined) return false;
    const on = this.on;
    switch (raw) {
      case '1':
        return (on & ON_GRPC_CANCELLED) !== 0;
      case '4':
        return (on & ON_GRPC_DEADLINE_EXCEEDED) !== 0;
      case '8':
        return (on & ON_GRPC_RESOURCE_EXHAUSTED) !== 0;
      case '13':
        return (on & ON_GRPC_INTERNAL) !== 0;
      case '14':
        return (on & ON_GRPC_UNAVAILABLE) !== 0;
      default:
        return false;
    }
  }

  private matchesRetriableHeaders(headers: HeaderMap): boolean {
    const head: RequestHead = {
      method: '',
      path: '',
      authority: '',
      scheme: '',
      headers,
      protocol: 'HTTP/1.1',
    };
    for (const m of this.retriableHeaders) if (m.match(head)) return true;
    return false;
  }
}

/** Compiles `p` at `at`, or undefined when there is no policy. */
export function compileRetryPolicy(
  p: RetryPolicy | undefined,
  at: ConfigPath,
): CompiledRetryPolicy | undefined {
  return p === undefined ? undefined : new CompiledRetryPolicy(p, at);
}
