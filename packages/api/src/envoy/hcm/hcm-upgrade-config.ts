import { upgradeType } from '../route/upgrade-config.ts';
import { required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { UpgradeConfig } from '../types.ts';

/** HttpConnectionManager.UpgradeConfig: an upgrade protocol (e.g. websocket) allowed on this HCM. */
export const hcmUpgradeConfig = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig',
  fields: {
    upgrade_type: required(upgradeType),
    filters: unsupported('upgrades use the HCM filter chain'),
    enabled: withDefault(boolValue, true),
  },
  build: (v): UpgradeConfig => ({ upgradeType: v.upgrade_type.toLowerCase(), enabled: v.enabled }),
});
