/**
 * The `gateways` lists of VirtualServices and their matches. `mesh` means the sidecars; any other entry names
 * an Istio Gateway: `namespace/name`, a bare name (in the VirtualService's namespace), or the legacy
 * `name.namespace[.svc.cluster.local]`. `resolveGatewayName` turns each form into `namespace/name`.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { refine, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkFqdn, isDns1123Label } from '../core/hostname.ts';
import { invalid } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';

export const MESH_GATEWAY = 'mesh';

/** Why `name` is not a valid gateway reference, or `undefined`. */
export function checkGatewayName(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) return checkFqdn(name);
  const namespace = name.slice(0, slash);
  const gateway = name.slice(slash + 1);
  if (namespace === '' || gateway === '') return 'gateway namespace and name must not be empty';
  if (!isDns1123Label(namespace)) return `invalid namespace "${namespace}" in gateway "${name}"`;
  if (!isDns1123Label(gateway)) return `invalid gateway name "${gateway}" in "${name}"`;
  return undefined;
}

function checkGatewayList(names: string[], ctx: ValidationContext): void {
  names.forEach((name, i) => {
    const reason = checkGatewayName(name);
    if (reason !== undefined) invalid(ctx.item(i), reason);
    else if (slashless(name) && name.includes('.') && name !== MESH_GATEWAY) {
      const [gw, ns] = name.split('.');
      ctx.item(i).warn(IstioIssueCode.deprecated, `legacy gateway name "${name}"; prefer "${ns}/${gw}"`);
    }
  });
}

const slashless = (name: string) => !name.includes('/');

/** A `gateways` list, checked, with a warning for legacy `name.namespace` forms. */
export const gatewayList: Schema<string[]> = refine(listOf(str), checkGatewayList);

/** True when a `gateways` list applies to the sidecars (empty, or names `mesh`). */
export function appliesToMesh(gateways: readonly string[]): boolean {
  return gateways.length === 0 || gateways.includes(MESH_GATEWAY);
}

/**
 * `namespace/name` for a gateway reference written in an object of `namespace` (Istio's resolveGatewayName);
 * `mesh` stays `mesh`.
 *
 * @example
 * resolveGatewayName('bookinfo-gateway', 'default');        // 'default/bookinfo-gateway'
 * resolveGatewayName('gw.istio-system.svc.cluster.local', 'x'); // 'istio-system/gw'
 */
export function resolveGatewayName(name: string, namespace: string): string {
  if (name === MESH_GATEWAY) return name;
  const slash = name.indexOf('/');
  if (slash >= 0) return name.slice(0, slash) === '.' ? `${namespace}${name.slice(slash)}` : name;
  const dot = name.indexOf('.');
  if (dot < 0) return `${namespace}/${name}`;
  const rest = name.slice(dot + 1);
  const nextDot = rest.indexOf('.');
  return `${nextDot < 0 ? rest : rest.slice(0, nextDot)}/${name.slice(0, dot)}`;
}
