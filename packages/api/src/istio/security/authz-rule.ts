/**
 * AuthorizationPolicy rules: `from` sources, `to` operations and `when` conditions, with Istio's checks
 * (no empty lists or values, IPs/CIDRs and ports well-formed, known condition keys, service accounts not
 * mixed with namespaces or principals).
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { type FieldValues, message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkIpOrCidr } from '../core/ip.ts';
import { invalid, stringList } from '../core/istio-fields.ts';
import { checkCondition } from './authz-condition.ts';

const list = optional(stringList);

function checkEach(
  values: string[] | undefined,
  ctx: ValidationContext,
  check: (v: string) => string | undefined,
) {
  (values ?? []).forEach((value, i) => {
    const reason = value === '' ? 'empty values are not allowed' : check(value);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
}

const none = () => undefined;
const checkPort = (p: string) =>
  /^\d+$/.test(p) && Number(p) <= 65535 ? undefined : `"${p}" is not a port number (0..65535)`;
const checkServiceAccount = (sa: string) =>
  /^[^/]+(\/[^/]+)?$/.test(sa) ? undefined : `"${sa}" must be "name" or "namespace/name"`;
const TEMPLATE_UNSUPPORTED = /\/\{\w+=\*\*?\}|\{\w*\}|\/\*\*?|\*\*?\//;
const checkPath = (p: string) =>
  (p.includes('{*}') || p.includes('{**}')) && TEMPLATE_UNSUPPORTED.test(p)
    ? `"${p}" is an invalid or unsupported path template`
    : undefined;

const sourceFields = {
  principals: list,
  notPrincipals: list,
  requestPrincipals: list,
  notRequestPrincipals: list,
  namespaces: list,
  notNamespaces: list,
  ipBlocks: list,
  notIpBlocks: list,
  remoteIpBlocks: list,
  notRemoteIpBlocks: list,
  serviceAccounts: list,
  notServiceAccounts: list,
  trustDomains: list,
  notTrustDomains: list,
};

function checkSource(v: FieldValues<typeof sourceFields>, ctx: ValidationContext): void {
  const count = (...lists: (string[] | undefined)[]) => lists.reduce((n, l) => n + (l?.length ?? 0), 0);
  if (
    count(v.principals, v.notPrincipals, v.namespaces, v.notNamespaces) > 0 &&
    count(v.serviceAccounts, v.notServiceAccounts) > 0
  ) {
    invalid(ctx, 'serviceAccounts cannot be set together with namespaces or principals');
  }
  if (Object.values(v).every((l) => l === undefined || l.length === 0))
    invalid(ctx, 'a source must not be empty');
  for (const [name, values] of Object.entries(v)) {
    const at = ctx.field(name);
    if (name.endsWith('pBlocks')) checkEach(values, at, checkIpOrCidr);
    else if (name.endsWith('erviceAccounts')) checkEach(values, at, checkServiceAccount);
    else checkEach(values, at, none);
  }
}

const source = message({
  name: 'istio.security.v1.Source',
  fields: sourceFields,
  build: (v, ctx) => {
    checkSource(v, ctx);
    return v;
  },
});

const operationFields = {
  hosts: list,
  notHosts: list,
  ports: list,
  notPorts: list,
  methods: list,
  notMethods: list,
  paths: list,
  notPaths: list,
};

const operation = message({
  name: 'istio.security.v1.Operation',
  fields: operationFields,
  build: (v, ctx) => {
    if (Object.values(v).every((l) => l === undefined || l.length === 0))
      invalid(ctx, 'an operation must not be empty');
    for (const [name, values] of Object.entries(v)) {
      const check = name.toLowerCase().endsWith('ports')
        ? checkPort
        : name.toLowerCase().endsWith('paths')
          ? checkPath
          : none;
      checkEach(values, ctx.field(name), check);
    }
    return v;
  },
});

const from = message({
  name: 'istio.security.v1.Rule.From',
  fields: { source: optional(source) },
  build: (v, ctx) => {
    if (v.source === undefined) invalid(ctx.field('source'), '"from" entries need a source');
    return v;
  },
});

const to = message({
  name: 'istio.security.v1.Rule.To',
  fields: { operation: optional(operation) },
  build: (v, ctx) => {
    if (v.operation === undefined) invalid(ctx.field('operation'), '"to" entries need an operation');
    return v;
  },
});

const condition = message({
  name: 'istio.security.v1.Condition',
  fields: { key: withDefault(str, ''), values: optional(stringList), notValues: optional(stringList) },
  build: (v, ctx) => {
    checkCondition(v.key, v.values, v.notValues, ctx);
    return v;
  },
});

const nonEmpty = <T>(schema: Schema<T[]>, what: string): Schema<T[]> => ({
  ...schema,
  parse(raw, ctx) {
    const value = schema.parse(raw, ctx);
    if (Array.isArray(raw) && raw.length === 0) invalid(ctx, `${what} must not be empty when given`);
    return value;
  },
});

export const authorizationRule: Schema<Record<string, unknown>> = message({
  name: 'istio.security.v1.Rule',
  fields: {
    from: optional(nonEmpty(listOf(from), '"from"')),
    to: optional(nonEmpty(listOf(to), '"to"')),
    when: optional(listOf(condition)),
  },
  build: (v) => structuredClone(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined))),
});
