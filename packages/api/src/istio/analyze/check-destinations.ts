/**
 * Where VirtualServices (bound to the mesh) send traffic: every destination host must be a known service
 * (a Kubernetes Service or a ServiceEntry host) and every subset must be defined by a DestinationRule for
 * that host.
 */
import type { IstioIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { appliesToMesh } from '../networking/gateway-names.ts';
import type { Destination, IstioObject } from '../types.ts';
import { analysisIssue, describeObject } from './analysis-issue.ts';
import { hostMatches, resolveHost } from './host-names.ts';
import type { ServiceRegistry } from './service-registry.ts';

type VirtualServiceObject = Extract<IstioObject, { kind: 'VirtualService' }>;
type DestinationRuleObject = Extract<IstioObject, { kind: 'DestinationRule' }>;

interface DestinationAt {
  destination: Destination;
  path: string;
}

function destinationsOf(vs: VirtualServiceObject): DestinationAt[] {
  const out: DestinationAt[] = [];
  vs.spec.http.forEach((route, r) => {
    route.route.forEach((d, i) => {
      out.push({ destination: d.destination, path: `spec.http[${r}].route[${i}].destination` });
    });
    route.mirrors.forEach((m, i) => {
      out.push({ destination: m.destination, path: `spec.http[${r}].mirrors[${i}].destination` });
    });
  });
  vs.spec.tcp.forEach((route, r) => {
    route.route.forEach((d, i) => {
      out.push({ destination: d.destination, path: `spec.tcp[${r}].route[${i}].destination` });
    });
  });
  return out;
}

function checkHost(
  vs: VirtualServiceObject,
  at: DestinationAt,
  registry: ServiceRegistry,
): IstioIssue | undefined {
  const { host } = at.destination;
  if (host.includes('*') || registry.hostExists(host, vs.meta.namespace)) return undefined;
  const fqdn = resolveHost(host, vs.meta.namespace);
  const shown = fqdn === host ? `"${host}"` : `"${host}" (${fqdn})`;
  return analysisIssue(
    vs,
    `${at.path}.host`,
    IstioIssueCode.unknownHost,
    `host ${shown} is not a known service: no Service or ServiceEntry defines it`,
  );
}

function checkSubset(
  vs: VirtualServiceObject,
  at: DestinationAt,
  rules: readonly DestinationRuleObject[],
): IstioIssue | undefined {
  const { host, subset } = at.destination;
  if (subset === '') return undefined;
  const fqdn = resolveHost(host, vs.meta.namespace);
  const forHost = rules.filter((dr) => hostMatches(resolveHost(dr.spec.host, dr.meta.namespace), fqdn));
  if (forHost.some((dr) => dr.spec.subsets.some((s) => s.name === subset))) return undefined;
  const known = forHost.map(
    (dr) => `${describeObject(dr)} defines ${dr.spec.subsets.map((s) => s.name).join(', ') || 'no subsets'}`,
  );
  const why = known.length === 0 ? `no DestinationRule applies to host "${host}"` : known.join('; ');
  return analysisIssue(
    vs,
    `${at.path}.subset`,
    IstioIssueCode.unknownSubset,
    `subset "${subset}" of host "${host}" is not defined: ${why}`,
  );
}

/** Unknown hosts and undefined subsets in VirtualServices that apply to the mesh. */
export function checkDestinations(objects: readonly IstioObject[], registry: ServiceRegistry): IstioIssue[] {
  const rules = objects.filter((o): o is DestinationRuleObject => o.kind === 'DestinationRule');
  const issues: IstioIssue[] = [];
  for (const vs of objects) {
    if (vs.kind !== 'VirtualService' || !appliesToMesh(vs.spec.gateways)) continue;
    for (const at of destinationsOf(vs)) {
      const problem = checkHost(vs, at, registry) ?? checkSubset(vs, at, rules);
      if (problem !== undefined) issues.push(problem);
    }
  }
  return issues;
}
