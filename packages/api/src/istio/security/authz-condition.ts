/**
 * AuthorizationPolicy `when` conditions: a known attribute key and at least one of values / notValues, each
 * well-formed for the attribute (IPs for `source.ip`, ports for `destination.port`, `a[b]` map keys).
 */
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkIpOrCidr } from '../core/ip.ts';
import { invalid } from '../core/istio-fields.ts';

type Check = (value: string) => string | undefined;

const ipCheck: Check = checkIpOrCidr;
const portCheck: Check = (p) =>
  /^\d+$/.test(p) && Number(p) <= 65535 ? undefined : `"${p}" is not a port number`;
const anyValue: Check = () => undefined;

const EXACT: Readonly<Record<string, Check>> = {
  'source.ip': ipCheck,
  'remote.ip': ipCheck,
  'destination.ip': ipCheck,
  'destination.port': portCheck,
  'source.namespace': anyValue,
  'source.principal': anyValue,
  'source.serviceAccount': anyValue,
  'source.trustDomain': anyValue,
  'request.auth.principal': anyValue,
  'request.auth.audiences': anyValue,
  'request.auth.presenter': anyValue,
  'connection.sni': anyValue,
};

const MAP_PREFIXES = ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

function keyProblem(key: string): string | undefined {
  if (EXACT[key] !== undefined) return undefined;
  if (MAP_PREFIXES.some((p) => key.startsWith(p))) {
    const open = key.indexOf('[');
    return key.endsWith(']') && open > 0 && open < key.length - 2
      ? undefined
      : `key "${key}" must have the form name[entry]`;
  }
  if (key === 'destination.namespace')
    return 'attribute destination.namespace is replaced by metadata.namespace';
  if (key.startsWith('destination.labels'))
    return 'attribute destination.labels is replaced by the workload selector';
  if (key === 'destination.name' || key === 'destination.user')
    return `attribute ${key} is no longer supported`;
  return `unknown attribute "${key}"`;
}

export function checkCondition(
  key: string,
  values: string[] | undefined,
  notValues: string[] | undefined,
  ctx: ValidationContext,
): void {
  if (key === '') return invalid(ctx.field('key'), 'a condition needs a key');
  if ((values?.length ?? 0) === 0 && (notValues?.length ?? 0) === 0) {
    return invalid(ctx, `condition "${key}" needs values or notValues`);
  }
  const problem = keyProblem(key);
  if (problem !== undefined) return invalid(ctx.field('key'), problem);
  const check = EXACT[key] ?? anyValue;
  for (const [name, list] of [
    ['values', values],
    ['notValues', notValues],
  ] as const) {
    (list ?? []).forEach((value, i) => {
      const reason = value === '' ? 'empty values are not allowed' : check(value);
      if (reason !== undefined) invalid(ctx.field(name).item(i), reason);
    });
  }
}
