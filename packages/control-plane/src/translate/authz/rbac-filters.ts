/**
 * AuthorizationPolicy -> Envoy RBAC filters, in Istio's evaluation order: one DENY filter with every DENY
 * policy's rules, then one ALLOW filter with every ALLOW policy's rules (present only when some ALLOW
 * policy applies: then a request must match one), then AUDIT rules as a LOG filter. Each rule is one RBAC
 * policy named `ns[<ns>]-policy[<name>]-rule[<i>]`. CUSTOM (external authorization) is noted, not applied.
 */
import type { AuthorizationPolicy } from '@tandem/api/istio';
import type { PolicyEntry } from '../../model/mesh-snapshot.ts';
import type { Json } from '../xds-resources.ts';
import { type IstioRule, type Protocol, rbacPolicy } from './authz-rule.ts';

const HTTP_RBAC = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
const NETWORK_RBAC = 'type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC';
const ACTIONS = [
  ['DENY', 'DENY'],
  ['ALLOW', 'ALLOW'],
  ['AUDIT', 'LOG'],
] as const;

export function buildRbacFilters(
  policies: readonly PolicyEntry<AuthorizationPolicy>[],
  protocol: Protocol,
  statPrefix: string,
  notes: string[],
): Json[] {
  const filters: Json[] = [];
  for (const p of policies)
    if (p.spec.action === 'CUSTOM')
      notes.push(
        `AuthorizationPolicy ${p.ref.namespace}/${p.ref.name}: CUSTOM (external authorization) is not applied`,
      );
  for (const [istio, envoy] of ACTIONS) {
    const chosen = policies.filter((p) => p.spec.action === istio);
    if (chosen.length === 0) continue;
    const rbacPolicies: Record<string, Json> = {};
    for (const p of chosen) {
      p.spec.rules.forEach((rule, i) => {
        const compiled = rbacPolicy(rule as IstioRule, p.ref.namespace, protocol, istio);
        if (compiled !== undefined)
          rbacPolicies[`ns[${p.ref.namespace}]-policy[${p.ref.name}]-rule[${i}]`] = compiled;
      });
    }
    const rules = { action: envoy, policies: rbacPolicies };
    filters.push(
      protocol === 'http'
        ? {
            name: 'envoy.filters.http.rbac',
            typed_config: { '@type': HTTP_RBAC, rules, rules_stat_prefix: `${istio.toLowerCase()}.` },
          }
        : {
            name: 'envoy.filters.network.rbac',
            typed_config: {
              '@type': NETWORK_RBAC,
              rules,
              stat_prefix: `${statPrefix}.${istio.toLowerCase()}.`,
            },
          },
    );
  }
  return filters;
}
