/**
 * VirtualServices that bind to Gateways nobody defines (Istio's IST0101 ReferencedResourceNotFound): in
 * `spec.gateways` and in the `gateways` of HTTP, TCP and TLS matches. A warning: the Gateway may live in
 * config that was not analyzed.
 */
import type { IstioIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { MESH_GATEWAY, resolveGatewayName } from '../networking/gateway-names.ts';
import type { IstioObject } from '../types.ts';
import { analysisIssue } from './analysis-issue.ts';

type VirtualServiceObject = Extract<IstioObject, { kind: 'VirtualService' }>;

/** Every gateway reference of a VirtualService, with the path it is at. */
function gatewayRefs(vs: VirtualServiceObject): { name: string; path: string }[] {
  const refs = vs.spec.gateways.map((name, i) => ({ name, path: `spec.gateways[${i}]` }));
  const routes: [string, readonly { match: readonly { gateways: readonly string[] }[] }[]][] = [
    ['http', vs.spec.http],
    ['tcp', vs.spec.tcp],
    ['tls', vs.spec.tls],
  ];
  for (const [section, list] of routes) {
    list.forEach((route, r) => {
      route.match.forEach((m, j) => {
        m.gateways.forEach((name, g) => {
          refs.push({ name, path: `spec.${section}[${r}].match[${j}].gateways[${g}]` });
        });
      });
    });
  }
  return refs;
}

export function checkGatewayReferences(objects: readonly IstioObject[]): IstioIssue[] {
  const defined = new Set(
    objects.filter((o) => o.kind === 'Gateway').map((o) => `${o.meta.namespace}/${o.meta.name}`),
  );
  const issues: IstioIssue[] = [];
  for (const vs of objects) {
    if (vs.kind !== 'VirtualService') continue;
    for (const ref of gatewayRefs(vs)) {
      if (ref.name === MESH_GATEWAY) continue;
      const key = resolveGatewayName(ref.name, vs.meta.namespace);
      if (defined.has(key)) continue;
      const shown = key === ref.name ? `"${ref.name}"` : `"${ref.name}" (${key})`;
      issues.push(
        analysisIssue(
          vs,
          ref.path,
          IstioIssueCode.unknownGateway,
          `gateway ${shown} is not defined: no Gateway ${key} was found`,
        ),
      );
    }
  }
  return issues;
}
