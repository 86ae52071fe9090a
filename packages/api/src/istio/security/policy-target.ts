/**
 * Policy attachment shared by the security kinds: a workload `selector` or `targetRef`/`targetRefs` (a
 * Service, ServiceEntry or Gateway in the policy's namespace), at most one of them.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import type { PolicyTargetRef } from '../types.ts';

const ALLOWED = [
  'core/Service',
  'networking.istio.io/ServiceEntry',
  'gateway.networking.k8s.io/Gateway',
  'gateway.networking.k8s.io/GatewayClass',
];

export const policyTargetRef: Schema<PolicyTargetRef> = message({
  name: 'istio.type.v1beta1.PolicyTargetReference',
  fields: {
    group: withDefault(str, ''),
    kind: required(str),
    name: required(str),
    namespace: withDefault(str, ''),
  },
  build: (v, ctx) => {
    if (v.name === '') invalid(ctx.field('name'), 'targetRef name must be set');
    if (v.namespace !== '')
      invalid(
        ctx.field('namespace'),
        'targetRef namespace must not be set (cross-namespace references are not supported)',
      );
    const groupKind = `${v.group === '' ? 'core' : v.group}/${v.kind}`;
    if (!ALLOWED.includes(groupKind))
      invalid(ctx, `targetRef must name a Service, ServiceEntry or Gateway, not ${v.group}/${v.kind}`);
    return { group: v.group, kind: v.kind, name: v.name };
  },
});

export const policyTargetRefs = listOf(policyTargetRef);

/** Reports a policy that sets more than one of selector, targetRef and targetRefs. */
export function checkOneAttachment(
  values: { selector?: unknown; targetRef?: unknown; targetRefs?: readonly unknown[] },
  ctx: ValidationContext,
): void {
  const set = [
    values.selector !== undefined,
    values.targetRef !== undefined,
    (values.targetRefs?.length ?? 0) > 0,
  ];
  if (set.filter(Boolean).length > 1) invalid(ctx, 'set only one of selector, targetRef and targetRefs');
}
