import { configSource } from '../core/config-source.ts';
import { required } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';

/** HttpConnectionManager.rds: the route configuration comes over ADS by name. */
export const rds = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.Rds',
  fields: {
    config_source: required(configSource),
    route_config_name: required(nonEmptyStr),
  },
  build: (v, ctx) => {
    const what = `route configuration "${v.route_config_name}"`;
    ctx.field('config_source').reference('ads_resource', v.route_config_name, what);
    return {
      routeConfigName: v.route_config_name,
      initialFetchTimeoutMs: v.config_source.initialFetchTimeoutMs,
    };
  },
});
