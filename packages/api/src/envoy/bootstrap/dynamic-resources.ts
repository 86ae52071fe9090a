import { adsApiConfigSource } from '../core/api-config-source.ts';
import { configSource } from '../core/config-source.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { optional, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { isPlainObject } from '../schema/schema.ts';
import type { DynamicResources } from '../types.ts';

/** Definition name recorded when a bootstrap sets `ads_config` (RDS/EDS references need it). */
export const ADS_DEFINITION = 'ads_config';

const adsConfig = (raw: Readonly<Record<string, unknown>>) => raw.ads_config ?? raw.adsConfig;

/** envoy.config.bootstrap.v3.Bootstrap.DynamicResources: listeners and clusters over ADS. */
export const dynamicResources = message({
  name: 'envoy.config.bootstrap.v3.Bootstrap.DynamicResources',
  fields: {
    lds_config: optional(configSource, { note: 'must be `ads: {}`: listeners over ADS' }),
    lds_resources_locator: unsupported('xdstp:// names are not available'),
    cds_config: optional(configSource, { note: 'must be `ads: {}`: clusters over ADS' }),
    cds_resources_locator: unsupported('xdstp:// names are not available'),
    ads_config: optional(adsApiConfigSource, { note: 'needed by every `ads: {}` config source' }),
    default_config_source: unsupported(),
  },
  enter: (raw, ctx) => {
    if (isPlainObject(adsConfig(raw))) ctx.define('ads', ADS_DEFINITION);
    return ctx;
  },
  build: (v, ctx): DynamicResources | undefined => {
    const missing = (['lds_config', 'cds_config'] as const).filter(
      (f) => v[f] !== undefined && !v.ads_config,
    );
    for (const field of missing) {
      ctx
        .field(field)
        .error(ConfigIssueCode.required, `uses ADS, but dynamic_resources.ads_config is not set`);
    }
    if (missing.length > 0) return undefined;
    const sub = (c: typeof v.lds_config) =>
      c === undefined ? undefined : { initialFetchTimeoutMs: c.initialFetchTimeoutMs };
    return { ads: v.ads_config, lds: sub(v.lds_config), cds: sub(v.cds_config) };
  },
});
