import type { RequestHead } from '../http/request-head.ts';

/**
 * Reads a request header the way Envoy's header matchers see it: pseudo-headers (`:path`,
 * `:method`, `:authority`, `:scheme`) come from the `RequestHead` fields, and several fields with
 * the same name are joined with `,`. `host` is treated as `:authority` because `RequestHead` keeps
 * the Host header only there.
 *
 * Returns undefined when the header is absent. Allocates only when a header repeats.
 */
export function readRequestHeader(head: RequestHead, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* : */ || name === 'host') return readPseudoHeader(head, name);
  const l = head.headers.list;
  let value: string | undefined;
  for (let i = 0; i < l.length; i += 2) {
    if (l[i] !== name) continue;
    value = value === undefined ? l[i + 1]! : `${value},${l[i + 1]!}`;
  }
  return value;
}

/** First value of a request header (pseudo-headers included), or undefined. */
export function readFirstRequestHeader(head: RequestHead, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* : */ || name === 'host') return readPseudoHeader(head, name);
  return head.headers.get(name);
}

function readPseudoHeader(head: RequestHead, name: string): string | undefined {
  switch (name) {
    case ':path':
      return head.path;
    case ':method':
      return head.method;
    case ':authority':
    case 'host':
      return head.authority;
    case ':scheme':
      return head.scheme;
    default:
      return undefined;
  }
}
