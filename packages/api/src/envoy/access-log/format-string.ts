/**
 * Envoy's substitution format strings (`%START_TIME%`, `%REQ(:METHOD)%`, `%REQ(X?Y):10%`, ...),
 * parsed into literal text and command operators. Unknown operators are errors, so a typo is
 * reported when the config loads rather than logged as "-" forever.
 */

export type FormatSegment =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'op';
      /** e.g. `REQ`, `START_TIME`. */
      readonly op: string;
      /** The argument in parentheses (`:METHOD`, `X-REQUEST-ID`, a strftime format), or ''. */
      readonly arg: string;
      /** For REQ/RESP/TRAILER `A?B`: the header tried when the first is absent, or ''. */
      readonly alt: string;
      /** `:N` truncation, or undefined. */
      readonly maxLength: number | undefined;
    };

/** Operators Tandem fills in; those marked 'arg' require an argument in parentheses. */
export const FORMAT_OPERATORS: Readonly<Record<string, 'arg' | 'optional-arg' | 'none'>> = {
  START_TIME: 'optional-arg',
  REQ: 'arg',
  RESP: 'arg',
  TRAILER: 'arg',
  RESPONSE_CODE: 'none',
  RESPONSE_FLAGS: 'none',
  RESPONSE_FLAGS_LONG: 'none',
  RESPONSE_CODE_DETAILS: 'none',
  CONNECTION_TERMINATION_DETAILS: 'none',
  UPSTREAM_TRANSPORT_FAILURE_REASON: 'none',
  BYTES_RECEIVED: 'none',
  BYTES_SENT: 'none',
  DURATION: 'none',
  PROTOCOL: 'none',
  UPSTREAM_HOST: 'none',
  UPSTREAM_CLUSTER: 'none',
  UPSTREAM_LOCAL_ADDRESS: 'none',
  DOWNSTREAM_LOCAL_ADDRESS: 'none',
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: 'none',
  DOWNSTREAM_LOCAL_PORT: 'none',
  DOWNSTREAM_REMOTE_ADDRESS: 'none',
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: 'none',
  DOWNSTREAM_REMOTE_PORT: 'none',
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS: 'none',
  DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT: 'none',
  REQUESTED_SERVER_NAME: 'none',
  ROUTE_NAME: 'none',
  GRPC_STATUS: 'optional-arg',
  GRPC_STATUS_NUMBER: 'none',
  HOSTNAME: 'none',
  TRACE_ID: 'none',
  UPSTREAM_REQUEST_ATTEMPT_COUNT: 'none',
  DOWNSTREAM_PEER_URI_SAN: 'none',
  DOWNSTREAM_LOCAL_URI_SAN: 'none',
  UPSTREAM_PEER_URI_SAN: 'none',
  DOWNSTREAM_TLS_VERSION: 'none',
  ENVIRONMENT: 'arg',
};

export type FormatParseResult = { ok: true; segments: FormatSegment[] } | { ok: false; error: string };

export function parseFormatString(text: string): FormatParseResult {
  const segments: FormatSegment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '%') {
      literal += c;
      i++;
      continue;
    }
    if (text[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    const parsed = parseOperator(text, i + 1);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    if (literal !== '') segments.push({ kind: 'text', text: literal });
    literal = '';
    segments.push(parsed.segment);
    i = parsed.next;
  }
  if (literal !== '') segments.push({ kind: 'text', text: literal });
  return { ok: true, segments };
}

function parseOperator(text: string, start: number): { segment: FormatSegment; next: number } | string {
  let i = start;
  while (i < text.length && /[A-Z0-9_]/.test(text[i]!)) i++;
  const op = text.slice(start, i);
  if (op === '')
    return `"%" at offset ${start - 1} does not start a command operator (write "%%" for a literal %)`;
  const kind = FORMAT_OPERATORS[op];
  if (kind === undefined)
    return `unknown command operator %${op}% (Tandem supports ${Object.keys(FORMAT_OPERATORS).join(', ')})`;
  let arg = '';
  if (text[i] === '(') {
    const close = text.indexOf(')', i);
    if (close < 0) return `%${op}(: missing ")"`;
    arg = text.slice(i + 1, close);
    i = close + 1;
  }
  if (kind === 'arg' && arg === '') return `%${op}% needs an argument, e.g. %${op}(X-REQUEST-ID)%`;
  if (kind === 'none' && arg !== '') return `%${op}% takes no argument`;
  let maxLength: number | undefined;
  if (text[i] === ':') {
    const m = /^:(\d+)/.exec(text.slice(i));
    if (!m) return `%${op}%: expected a length after ":"`;
    maxLength = Number(m[1]);
    i += m[0].length;
  }
  if (text[i] !== '%') return `%${op}: missing closing "%"`;
  let alt = '';
  if (op === 'REQ' || op === 'RESP' || op === 'TRAILER') {
    const q = arg.indexOf('?');
    if (q >= 0) {
      alt = arg.slice(q + 1).toLowerCase();
      arg = arg.slice(0, q);
    }
    arg = arg.toLowerCase();
  }
  return { segment: { kind: 'op', op, arg, alt, maxLength }, next: i + 1 };
}
