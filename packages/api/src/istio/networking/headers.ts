/**
 * Header names and header manipulation (`headers.request/response.set/add/remove`), with Istio's rules:
 * match keys are plain token names; request `set`/`add` may target `host`/`:authority` but no other
 * pseudo-header; `remove` and response operations may not touch `host` or pseudo-headers; values may use
 * Envoy's `%VARIABLE%` syntax with `%%` for a literal percent.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { mapOf } from '../../envoy/schema/collections.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { stringList } from '../core/istio-fields.ts';
import type { HeaderOperations, Headers } from '../types.ts';

const TOKEN = /^[-_A-Za-z0-9]+$/;

/** Why `name` cannot be matched on, or `undefined`. */
export function checkHeaderName(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  return TOKEN.test(name) ? undefined : `"${name}" is not a valid header name (letters, digits, "-" and "_")`;
}

/** `@request.auth.claims.<name>` routing keys (JWT claim based routing, gateways only). */
export function isJwtClaimRouteKey(name: string): boolean {
  return name.startsWith('@request.auth.claims.') || name.startsWith('@request.auth.claims[');
}

const isAuthority = (name: string) => ['host', ':authority'].includes(name.toLowerCase());

/** Why `value` cannot be a header value, or `undefined`. */
export function checkHeaderValue(value: string): string | undefined {
  if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(value))
    return `header value ${JSON.stringify(value)} contains control characters`;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') continue;
    if (value[i + 1] === '%') {
      i++;
      continue;
    }
    const close = value.indexOf('%', i + 1);
    if (close < 0 || close === i + 1) {
      return `header value ${JSON.stringify(value)} has an unmatched "%" (write "%%" for a literal percent)`;
    }
    i = close;
  }
  return undefined;
}

function checkOperationName(name: string, allowAuthority: boolean, ctx: ValidationContext): void {
  if (name === '') ctx.error(ConfigIssueCode.invalid, 'header name must not be empty');
  else if (allowAuthority && isAuthority(name)) return;
  else if (name.toLowerCase() === 'host')
    ctx.error(ConfigIssueCode.invalid, 'the Host header cannot be changed here');
  else if (name.startsWith(':'))
    ctx.error(ConfigIssueCode.invalid, `header "${name}": pseudo-headers (":" prefix) cannot be changed`);
}

function headerOperations(side: 'request' | 'response'): Schema<HeaderOperations> {
  const allowAuthority = side === 'request';
  return message({
    name: 'istio.networking.v1.Headers.HeaderOperations',
    fields: {
      set: withDefault(mapOf(str), {}),
      add: withDefault(mapOf(str), {}),
      remove: withDefault(stringList, []),
    },
    build: (v, ctx) => {
      for (const op of ['set', 'add'] as const) {
        for (const [name, value] of Object.entries(v[op])) {
          const at = ctx.field(op).key(name);
          checkOperationName(name, allowAuthority, at);
          const reason = checkHeaderValue(value);
          if (reason !== undefined) at.error(ConfigIssueCode.invalid, reason);
        }
      }
      v.remove.forEach((name, i) => {
        checkOperationName(name, false, ctx.field('remove').item(i));
      });
      return { set: v.set, add: v.add, remove: v.remove };
    },
  });
}

/** istio Headers: request and response operations. */
export const headers: Schema<Headers> = message({
  name: 'istio.networking.v1.Headers',
  fields: {
    request: optional(headerOperations('request')),
    response: optional(headerOperations('response')),
  },
  build: (v) => ({ request: v.request, response: v.response }),
});

/** The authority a route sets through `headers.request.set/add` (`host` or `:authority`), if any. */
export function authorityHeaderValues(h: Headers | undefined): string[] {
  const ops = h?.request;
  if (ops === undefined) return [];
  return [...Object.entries(ops.set), ...Object.entries(ops.add)]
    .filter(([name]) => isAuthority(name))
    .map(([, value]) => value);
}
