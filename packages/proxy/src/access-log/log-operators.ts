/**
 * One value getter per Envoy command operator, bound when the format is compiled. A getter returns
 * a string, a number (typed in JSON logs), or undefined for "no value" ("-" in text, null in JSON).
 */
import { hostname } from 'node:os';
import type { FormatSegment } from '@tandem/api/envoy';
import type { LogEntry } from './log-entry.ts';

export type Getter = (e: LogEntry, durationMs: number) => string | number | undefined;
type Op = Extract<FormatSegment, { kind: 'op' }>;

const LONG_FLAGS: Record<string, string> = {
  NR: 'NoRouteFound',
  UH: 'NoHealthyUpstream',
  UF: 'UpstreamConnectionFailure',
  UO: 'UpstreamOverflow',
  URX: 'UpstreamRetryLimitExceeded',
  UT: 'UpstreamRequestTimeout',
  UR: 'UpstreamRemoteReset',
  UPE: 'UpstreamProtocolError',
  DC: 'DownstreamConnectionTermination',
  DPE: 'DownstreamProtocolError',
  SI: 'StreamIdleTimeout',
  NC: 'NoClusterFound',
  LR: 'LocalReset',
  RL: 'RateLimited',
  UAEX: 'UnauthorizedExternalService',
  FI: 'FaultInjected',
  DI: 'DelayInjected',
  UMSDR: 'UpstreamMaxStreamDurationReached',
};

const DETAILS: Record<string, string> = {
  NR: 'route_not_found',
  NC: 'cluster_not_found',
  UH: 'no_healthy_upstream',
  UF: 'upstream_reset_before_response_started{connection_failure}',
  UR: 'upstream_reset_before_response_started{remote_reset}',
  UPE: 'upstream_reset_before_response_started{protocol_error}',
  UT: 'response_timeout',
  UO: 'upstream_overflow',
  DC: 'downstream_remote_disconnect',
  DPE: 'downstream_protocol_error',
  SI: 'stream_idle_timeout',
  RL: 'request_rate_limited',
  FI: 'fault_filter_abort',
  UAEX: 'ext_authz_denied',
};

const HOST = hostname();

/** Requests that start in the same millisecond share one formatted time. */
let lastMs = -1;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export function getterFor(seg: Op): Getter {
  const g = baseGetter(seg);
  const max = seg.maxLength;
  if (max === undefined) return g;
  return (e, d) => {
    const v = g(e, d);
    return typeof v === 'string' && v.length > max ? v.slice(0, max) : v;
  };
}

function baseGetter(seg: Op): Getter {
  switch (seg.op) {
    case 'START_TIME':
      return seg.arg === '' ? (e) => isoTime(e.startWallMs) : strftime(seg.arg);
    case 'REQ':
      return requestHeader(seg.arg, seg.alt);
    case 'RESP':
      return (e) => header(e.responseHeaders, seg.arg, seg.alt);
    case 'TRAILER':
      return (e) => header(e.responseTrailers, seg.arg, seg.alt);
    case 'RESPONSE_CODE':
      return (e) => e.responseStatus;
    case 'RESPONSE_FLAGS':
      return (e) => (e.responseFlags === '' ? undefined : e.responseFlags);
    case 'RESPONSE_FLAGS_LONG':
      return (e) =>
        e.responseFlags === ''
          ? undefined
          : e.responseFlags
              .split(',')
              .map((f) => LONG_FLAGS[f] ?? f)
              .join(',');
    case 'RESPONSE_CODE_DETAILS':
      return responseCodeDetails;
    case 'BYTES_RECEIVED':
      return (e) => e.requestBodyBytes;
    case 'BYTES_SENT':
      return (e) => e.responseBodyBytes;
    case 'DURATION':
      return (_e, d) => d;
    case 'PROTOCOL':
      return (e) => e.head?.protocol;
    case 'UPSTREAM_HOST':
      return (e) => e.upstreamHost || undefined;
    case 'UPSTREAM_CLUSTER':
      return (e) => e.upstreamCluster || undefined;
    case 'DOWNSTREAM_LOCAL_ADDRESS':
      return (e) => `${e.conn.localAddress}:${e.conn.localPort}`;
    case 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT':
      return (e) => e.conn.localAddress;
    case 'DOWNSTREAM_LOCAL_PORT':
      return (e) => e.conn.localPort;
    case 'DOWNSTREAM_REMOTE_ADDRESS':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS':
      return (e) => `${e.conn.remoteAddress}:${e.conn.remotePort}`;
    case 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT':
      return (e) => e.conn.remoteAddress;
    case 'DOWNSTREAM_REMOTE_PORT':
      return (e) => e.conn.remotePort;
    case 'REQUESTED_SERVER_NAME':
      return (e) => e.conn.serverName || undefined;
    case 'ROUTE_NAME':
      return (e) => e.routeName || undefined;
    case 'GRPC_STATUS':
    case 'GRPC_STATUS_NUMBER':
      return (e) => (e.grpcStatus < 0 ? undefined : e.grpcStatus);
    case 'HOSTNAME':
      return () => HOST;
    case 'TRACE_ID':
      return (e) => e.traceId || undefined;
    case 'UPSTREAM_REQUEST_ATTEMPT_COUNT':
      return (e) => (e.upstreamHost === '' ? 0 : 1);
    case 'ENVIRONMENT': {
      const value = process.env[seg.arg];
      return () => value;
    }
    default:
      // Facts Tandem does not have yet (TLS peer SANs until mTLS, termination details): "-".
      return () => undefined;
  }
}

function responseCodeDetails(e: LogEntry): string | undefined {
  const first = e.responseFlags.split(',')[0]!;
  if (first !== '') return DETAILS[first] ?? first;
  if (e.responseStatus === 0) return undefined;
  return e.upstreamHost === '' ? 'direct_response' : 'via_upstream';
}

function requestHeader(name: string, alt: string): Getter {
  const pseudo = (n: string): ((e: LogEntry) => string | undefined) | undefined => {
    if (n === ':method') return (e) => e.head?.method;
    if (n === ':path') return (e) => e.head?.path;
    if (n === ':authority' || n === 'host') return (e) => e.head?.authority || undefined;
    if (n === ':scheme') return (e) => e.head?.scheme;
    return undefined;
  };
  const first = pseudo(name) ?? ((e: LogEntry) => e.head?.headers.get(name));
  if (alt === '') return first;
  const second = pseudo(alt) ?? ((e: LogEntry) => e.head?.headers.get(alt));
  return (e) => first(e) ?? second(e);
}

function header(h: { get(n: string): string | undefined } | undefined, name: string, alt: string) {
  if (h === undefined) return undefined;
  return h.get(name) ?? (alt === '' ? undefined : h.get(alt));
}

/** The strftime subset Envoy users write (%Y %m %d %H %M %S %z %s %3f %6f %9f %F %T), in UTC. */
function strftime(fmt: string): Getter {
  return (e) => {
    const d = new Date(e.startWallMs);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
    return fmt.replace(/%(\d)?([A-Za-z%])/g, (all, digits: string | undefined, c: string) => {
      switch (c) {
        case 'Y':
          return String(d.getUTCFullYear());
        case 'm':
          return p2(d.getUTCMonth() + 1);
        case 'd':
          return p2(d.getUTCDate());
        case 'H':
          return p2(d.getUTCHours());
        case 'M':
          return p2(d.getUTCMinutes());
        case 'S':
          return p2(d.getUTCSeconds());
        case 'z':
          return '+0000';
        case 's':
          return String(Math.floor(e.startWallMs / 1000));
        case 'f':
          return (ms + '000000').slice(0, Number(digits ?? 9));
        case 'F':
          return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
        case 'T':
          return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        case '%':
          return '%';
        default:
          return all;
      }
    });
  };
}
