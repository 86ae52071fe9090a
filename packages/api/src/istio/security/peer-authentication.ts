/**
 * PeerAuthentication: the mTLS mode for workloads (mesh-, namespace- or selector-wide), optionally per port.
 * Port-level modes need a selector with labels, and port keys are numbers 1..65535.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { describeJson, isPlainObject, type Schema } from '../../envoy/schema/schema.ts';
import { invalid, workloadSelector } from '../core/istio-fields.ts';
import type { PeerAuthentication } from '../types.ts';

type Mode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

const mutualTls = message({
  name: 'istio.security.v1.PeerAuthentication.MutualTLS',
  fields: { mode: withDefault(enumOf('Mode', { UNSET: 0, DISABLE: 1, PERMISSIVE: 2, STRICT: 3 }), 'UNSET') },
  build: (v): { mode: Mode } => ({ mode: v.mode }),
});

/** `portLevelMtls`: a map keyed by port number. */
const portLevelMtls: Schema<Record<string, { mode: Mode }>> = {
  typeName: 'map<uint32, MutualTLS>',
  parse(raw, ctx) {
    if (!isPlainObject(raw)) {
      ctx.error(
        ConfigIssueCode.type,
        `expected a map of port numbers to mTLS settings, got ${describeJson(raw)}`,
      );
      return undefined;
    }
    if (Object.keys(raw).length === 0)
      ctx.error(ConfigIssueCode.range, 'portLevelMtls, when set, needs at least one port');
    const out: Record<string, { mode: Mode }> = {};
    for (const [key, value] of Object.entries(raw)) {
      const at = ctx.key(key);
      if (!/^\d+$/.test(key)) at.error(ConfigIssueCode.type, `port "${key}" is not a number`);
      else if (Number(key) < 1 || Number(key) > 65535)
        at.error(ConfigIssueCode.range, `port ${key} must be between 1 and 65535`);
      const mtls = mutualTls.parse(value, at);
      if (mtls !== undefined) out[String(Number(key))] = mtls;
    }
    return out;
  },
};

export const peerAuthentication: Schema<PeerAuthentication> = message({
  name: 'istio.security.v1.PeerAuthentication',
  fields: {
    selector: optional(workloadSelector),
    mtls: optional(mutualTls),
    portLevelMtls: optional(portLevelMtls),
  },
  build: (v, ctx) => {
    const hasLabels = v.selector !== undefined && Object.keys(v.selector).length > 0;
    if (v.portLevelMtls !== undefined && !hasLabels) {
      invalid(
        ctx.field('portLevelMtls'),
        'portLevelMtls requires a selector with labels (mesh- and namespace-wide policies cannot set port-level mTLS)',
      );
    }
    return { selector: v.selector, mtls: v.mtls, portLevelMtls: v.portLevelMtls ?? {} };
  },
});
