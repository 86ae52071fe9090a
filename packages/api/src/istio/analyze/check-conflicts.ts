/**
 * Objects that step on each other: the same kind/namespace/name defined more than once (alternatives in one
 * folder, or an accident; applied together the last one wins), several mesh VirtualServices for one host,
 * several DestinationRules for one host in a namespace, and several ServiceEntries for one host in a
 * namespace. Definitions of the same object never conflict with each other.
 */
import type { IstioIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { appliesToMesh } from '../networking/gateway-names.ts';
import type { IstioObject } from '../types.ts';
import { analysisIssue, describeObject } from './analysis-issue.ts';
import { resolveHost } from './host-names.ts';

const identity = (o: IstioObject) => `${o.kind}/${o.meta.namespace}/${o.meta.name}`;

/** One warning per object defined more than once, at its first definition, naming the other files. */
export function warnRedefinitions(objects: readonly IstioObject[]): IstioIssue[] {
  const byIdentity = new Map<string, IstioObject[]>();
  for (const o of objects) byIdentity.set(identity(o), [...(byIdentity.get(identity(o)) ?? []), o]);
  return [...byIdentity.values()]
    .filter((all) => all.length > 1)
    .map(([first, ...others]) => {
      const where = [...new Set(others.map((o) => o.meta.source))].join(', ');
      const message = `also defined in ${where}; applied together, the last definition replaces the others (analysis considers each one)`;
      return analysisIssue(first!, '', IstioIssueCode.redefined, message);
    });
}

/** Warns at every object after the first that claims the same key. */
function warnShared(
  claims: readonly { object: IstioObject; key: string; path: string; host: string }[],
  code: string,
  what: (host: string, first: IstioObject) => string,
): IstioIssue[] {
  const first = new Map<string, IstioObject>();
  const issues: IstioIssue[] = [];
  for (const claim of claims) {
    const earlier = first.get(claim.key);
    if (earlier === undefined) first.set(claim.key, claim.object);
    else if (identity(earlier) !== identity(claim.object))
      issues.push(analysisIssue(claim.object, claim.path, code, what(claim.host, earlier)));
  }
  return issues;
}

export function checkConflicts(objects: readonly IstioObject[]): IstioIssue[] {
  const vsClaims = objects.flatMap((o) =>
    o.kind === 'VirtualService' && appliesToMesh(o.spec.gateways)
      ? o.spec.hosts.map((h, i) => ({
          object: o,
          host: h,
          key: resolveHost(h, o.meta.namespace),
          path: `spec.hosts[${i}]`,
        }))
      : [],
  );
  const drClaims = objects.flatMap((o) =>
    o.kind === 'DestinationRule' && o.spec.workloadSelector === undefined
      ? [
          {
            object: o,
            host: o.spec.host,
            key: `${o.meta.namespace} ${resolveHost(o.spec.host, o.meta.namespace)}`,
            path: 'spec.host',
          },
        ]
      : [],
  );
  const seClaims = objects.flatMap((o) =>
    o.kind === 'ServiceEntry'
      ? o.spec.hosts.map((h, i) => ({
          object: o,
          host: h,
          key: `${o.meta.namespace} ${resolveHost(h, o.meta.namespace)}`,
          path: `spec.hosts[${i}]`,
        }))
      : [],
  );
  return [
    ...warnShared(
      vsClaims,
      IstioIssueCode.hostConflict,
      (h, first) =>
        `host "${h}" is also claimed by ${describeObject(first)}; sidecars use only one VirtualService per host`,
    ),
    ...warnShared(
      drClaims,
      IstioIssueCode.duplicateDestinationRule,
      (h, first) =>
        `${describeObject(first)} also applies to host "${h}"; their settings are merged and the first one wins on conflicts`,
    ),
    ...warnShared(
      seClaims,
      IstioIssueCode.serviceEntryConflict,
      (h, first) => `host "${h}" is also defined by ${describeObject(first)}`,
    ),
  ];
}
