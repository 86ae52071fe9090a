import { hostname } from 'node:os';
import type { HeaderMap } from '../http/header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import type { ClusterChoice } from './cluster-picker.ts';
import { formatAddress } from './format-address.ts';
import { readFirstRequestHeader } from './request-header-value.ts';
import type { ConfigPath } from './route-config-error.ts';

/**
 * What header value formatters and header mutations read for one request. The router's
 * per-request state can implement this interface directly; nothing here allocates it.
 */
export interface HeaderFormatContext {
  /** The request, as it is being finalized (its headers are the ones request mutations change). */
  readonly request: RequestHead;
  readonly connection: DownstreamConnectionInfo;
  /** When the request started, ms since the epoch (for `%START_TIME%`). */
  readonly startTimeMs: number;
  /** `ip:port` of the chosen upstream host, once there is one (for `%UPSTREAM_HOST%`). */
  readonly upstreamHost: string | undefined;
  /** The cluster `pickCluster` chose; its weighted-cluster header mutations apply too. */
  readonly cluster: ClusterChoice | undefined;
}

const Op = {
  Literal: 0,
  RemoteAddress: 1,
  RemoteAddressWithoutPort: 2,
  RemotePort: 3,
  LocalAddress: 4,
  LocalAddressWithoutPort: 5,
  LocalPort: 6,
  ServerName: 7,
  Protocol: 8,
  UpstreamHost: 9,
  StartTime: 10,
  Req: 11,
  Resp: 12,
} as const;
type Op = (typeof Op)[keyof typeof Op];

const SIMPLE_VARS: Record<string, Op> = {
  DOWNSTREAM_REMOTE_ADDRESS: Op.RemoteAddress,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: Op.RemoteAddressWithoutPort,
  DOWNSTREAM_REMOTE_PORT: Op.RemotePort,
  DOWNSTREAM_LOCAL_ADDRESS: Op.LocalAddress,
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: Op.LocalAddressWithoutPort,
  DOWNSTREAM_LOCAL_PORT: Op.LocalPort,
  REQUESTED_SERVER_NAME: Op.ServerName,
  PROTOCOL: Op.Protocol,
  UPSTREAM_HOST: Op.UpstreamHost,
  START_TIME: Op.StartTime,
};

interface Part {
  readonly op: Op;
  /** Literal text, or the header name for REQ/RESP. */
  readonly text: string;
  /** Alternative header for `%REQ(X?Y)%`, or ''. */
  readonly alt: string;
  /** `:N` truncation, or -1. */
  readonly max: number;
}

/** A header value with `%VAR%` commands, compiled once; `format` evaluates it for one request. */
export class HeaderFormatter {
  readonly parts: readonly Part[];

  constructor(parts: Part[]) {
    this.parts = parts;
  }

  /** `response` is the response header map when formatting response headers (for `%RESP(..)%`). */
  format(ctx: HeaderFormatContext, response: HeaderMap | undefined): string {
    let out = '';
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) out += evaluate(parts[i]!, ctx, response);
    return out;
  }
}

function evaluate(p: Part, ctx: HeaderFormatContext, response: HeaderMap | undefined): string {
  const c = ctx.connection;
  switch (p.op) {
    case Op.Literal:
      return p.text;
    case Op.RemoteAddress:
      return formatAddress(c.remoteAddress, c.remotePort);
    case Op.RemoteAddressWithoutPort:
      return c.remoteAddress;
    case Op.RemotePort:
      return String(c.remotePort);
    case Op.LocalAddress:
      return formatAddress(c.localAddress, c.localPort);
    case Op.LocalAddressWithoutPort:
      return c.localAddress;
    case Op.LocalPort:
      return String(c.localPort);
    case Op.ServerName:
      return c.serverName;
    case Op.Protocol:
      return ctx.request.protocol;
    case Op.UpstreamHost:
      return ctx.upstreamHost ?? '';
    case Op.StartTime:
      return new Date(ctx.startTimeMs).toISOString();
    case Op.Req:
      return truncate(readFirstRequestHeader(ctx.request, p.text) ?? readAlt(ctx.request, p.alt), p.max);
    case Op.Resp:
      return truncate(response?.get(p.text) ?? (p.alt === '' ? undefined : response?.get(p.alt)), p.max);
  }
}

function readAlt(head: RequestHead, alt: string): string | undefined {
  return alt === '' ? undefined : readFirstRequestHeader(head, alt);
}

function truncate(v: string | undefined, max: number): string {
  if (v === undefined) return '';
  return max >= 0 && v.length > max ? v.slice(0, max) : v;
}

/**
 * Compiles a header value. Plain text (after `%%` unescaping) stays a plain string, so applying it
 * costs nothing per request; a value with commands becomes a `HeaderFormatter`. Supported commands:
 * `%DOWNSTREAM_REMOTE_ADDRESS%`, `%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%`, `%DOWNSTREAM_REMOTE_PORT%`,
 * the same three for `LOCAL`, `%REQUESTED_SERVER_NAME%`, `%PROTOCOL%`, `%UPSTREAM_HOST%`,
 * `%START_TIME%` (ISO 8601, UTC, ms), `%HOSTNAME%`, `%REQ(name?alt):N%`, `%RESP(name?alt):N%`.
 * Anything else is a config error, as in Envoy.
 */
export function compileHeaderValue(value: string, at: ConfigPath): string | HeaderFormatter {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < value.length) {
    const pct = value.indexOf('%', i);
    if (pct < 0) {
      literal += value.slice(i);
      break;
    }
    literal += value.slice(i, pct);
    if (value[pct + 1] === '%') {
      literal += '%';
      i = pct + 2;
      continue;
    }
    const [part, next] = parseCommand(value, pct, at);
    if (part.op === Op.Literal) literal += part.text;
    else {
      if (literal !== '') parts.push(literalPart(literal));
      literal = '';
      parts.push(part);
    }
    i = next;
  }
  if (parts.length === 0) return literal;
  if (literal !== '') parts.push(literalPart(literal));
  return new HeaderFormatter(parts);
}

function literalPart(text: string): Part {
  return { op: Op.Literal, text, alt: '', max: -1 };
}

const COMMAND = /^%([A-Z0-9_]+)(?:\(([^)]*)\))?(?::([0-9]+))?%/;

function parseCommand(value: string, pct: number, at: ConfigPath): [Part, number] {
  const m = COMMAND.exec(value.slice(pct));
  if (m === null)
    throw at.error(`malformed command at position ${pct} of ${JSON.stringify(value)} (use %% for %)`);
  const [whole, name, args, max] = m as unknown as [string, string, string | undefined, string | undefined];
  const next = pct + whole.length;
  if (name === 'REQ' || name === 'RESP') {
    if (args === undefined || args === '') throw at.error(`%${name}(..)% needs a header name`);
    const [main, alt = ''] = args.split('?') as [string, string?];
    const op = name === 'REQ' ? Op.Req : Op.Resp;
    return [
      { op, text: main.toLowerCase(), alt: alt.toLowerCase(), max: max === undefined ? -1 : Number(max) },
      next,
    ];
  }
  if (args !== undefined || max !== undefined) throw at.error(`%${name}% takes no arguments here`);
  if (name === 'HOSTNAME') return [literalPart(hostname()), next];
  const op = SIMPLE_VARS[name];
  if (op === undefined) throw at.error(`unknown command %${name}% in ${JSON.stringify(value)}`);
  return [{ op, text: '', alt: '', max: -1 }, next];
}
