/**
 * AuthorizationPolicy: ALLOW / DENY / AUDIT / CUSTOM rules for the selected workloads. CUSTOM needs a provider
 * (and no principal- or namespace-based matching); DENY and CUSTOM need `rules` to ever match.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid, workloadSelector } from '../core/istio-fields.ts';
import type { AuthorizationPolicy } from '../types.ts';
import { authorizationRule } from './authz-rule.ts';
import { checkOneAttachment, policyTargetRef, policyTargetRefs } from './policy-target.ts';

const ACTIONS = { ALLOW: 0, DENY: 1, AUDIT: 2, CUSTOM: 3 };

const provider = message({
  name: 'istio.security.v1.AuthorizationPolicy.ExtensionProvider',
  fields: { name: withDefault(str, '') },
  build: (v) => ({ name: v.name }),
});

const CUSTOM_UNSUPPORTED_SOURCES = [
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
];
const CUSTOM_UNSUPPORTED_KEYS = (key: string) =>
  ['source.namespace', 'source.serviceAccount', 'source.principal'].includes(key) ||
  key.startsWith('request.auth.');

function checkCustom(rules: Record<string, unknown>[], ctx: ValidationContext): void {
  rules.forEach((rule, r) => {
    const at = ctx.field('rules').item(r);
    ((rule.from ?? []) as { source?: Record<string, unknown[] | undefined> }[]).forEach((from, f) => {
      for (const name of CUSTOM_UNSUPPORTED_SOURCES) {
        if ((from.source?.[name]?.length ?? 0) > 0)
          invalid(
            at.field('from').item(f).field('source').field(name),
            `${name} cannot be used with the CUSTOM action`,
          );
      }
    });
    ((rule.when ?? []) as { key: string }[]).forEach((when, w) => {
      if (CUSTOM_UNSUPPORTED_KEYS(when.key))
        invalid(at.field('when').item(w).field('key'), `"${when.key}" cannot be used with the CUSTOM action`);
    });
  });
}

export const authorizationPolicy: Schema<AuthorizationPolicy> = message({
  name: 'istio.security.v1.AuthorizationPolicy',
  fields: {
    selector: optional(workloadSelector),
    targetRef: optional(policyTargetRef),
    targetRefs: withDefault(policyTargetRefs, []),
    rules: optional(listOf(authorizationRule)),
    action: withDefault(enumOf('Action', ACTIONS), 'ALLOW'),
    provider: optional(provider),
  },
  build: (v, ctx) => {
    checkOneAttachment(v, ctx);
    if (v.action === 'CUSTOM') {
      if (v.rules === undefined)
        invalid(
          ctx.field('rules'),
          'a CUSTOM policy without rules never applies; add an empty rule {} to apply it to every request',
        );
      else if (!v.provider?.name)
        invalid(ctx.field('provider').field('name'), 'a CUSTOM policy needs provider.name');
      checkCustom(v.rules ?? [], ctx);
    } else if (v.provider !== undefined) {
      invalid(ctx.field('provider'), `provider is only allowed with the CUSTOM action, not ${v.action}`);
    }
    if (v.action === 'DENY' && v.rules === undefined)
      invalid(
        ctx.field('rules'),
        'a DENY policy without rules never applies; add an empty rule {} to deny every request',
      );
    const targetRefs = v.targetRef === undefined ? v.targetRefs : [v.targetRef, ...v.targetRefs];
    return { selector: v.selector, targetRefs, action: v.action, provider: v.provider, rules: v.rules ?? [] };
  },
});
