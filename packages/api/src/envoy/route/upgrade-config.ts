import { headerValue } from '../core/http-header-text.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { refine } from '../schema/schema.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { UpgradeConfig } from '../types.ts';

/** A non-empty upgrade protocol name, lower-cased (matching is case-insensitive), e.g. `websocket`. */
export const upgradeType = refine(headerValue, (value, ctx) => {
  if (value === '') ctx.error(ConfigIssueCode.range, 'must not be empty');
});

/** envoy.config.route.v3.RouteAction.UpgradeConfig: per-route override of the HCM's upgrades. */
export const routeUpgradeConfig = message({
  name: 'envoy.config.route.v3.RouteAction.UpgradeConfig',
  fields: {
    upgrade_type: required(upgradeType),
    enabled: withDefault(boolValue, true),
    connect_config: unsupported('CONNECT termination is not available'),
  },
  build: (v): UpgradeConfig => ({ upgradeType: v.upgrade_type.toLowerCase(), enabled: v.enabled }),
});
