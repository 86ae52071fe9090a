import { duration } from '../schema/duration.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';

/** Where an xDS resource comes from. Tandem fetches dynamic resources over ADS only. */
export interface ConfigSourceSpec {
  readonly kind: 'ads';
  /** How long a subscriber waits for the first response before going on without it; 0 waits forever. */
  readonly initialFetchTimeoutMs: number;
}

/** Envoy's default `initial_fetch_timeout`. */
export const DEFAULT_INITIAL_FETCH_TIMEOUT_MS = 15_000;

const adsOnly = 'Tandem fetches dynamic resources over ADS only (`ads: {}` or `self: {}`)';

export const configSource = message({
  name: 'envoy.config.core.v3.ConfigSource',
  fields: {
    authorities: unsupported(),
    path: unsupported(adsOnly, { oneof: 'config_source_specifier' }),
    path_config_source: unsupported(adsOnly, { oneof: 'config_source_specifier' }),
    api_config_source: unsupported(adsOnly, { oneof: 'config_source_specifier' }),
    ads: optional(emptyMessage('envoy.config.core.v3.AggregatedConfigSource'), {
      oneof: 'config_source_specifier',
    }),
    self: optional(emptyMessage('envoy.config.core.v3.SelfConfigSource'), {
      oneof: 'config_source_specifier',
      note: 'the server that sent the resource: the ADS server',
    }),
    initial_fetch_timeout: withDefault(duration(), DEFAULT_INITIAL_FETCH_TIMEOUT_MS, {
      note: 'the resource warms until its first response or this timeout; 0s waits forever',
    }),
    resource_api_version: withDefault(
      enumOf('ApiVersion', { AUTO: 0, V2: 1, V3: 2 }, ['AUTO', 'V3']),
      'AUTO',
    ),
  },
  oneofs: { config_source_specifier: { required: true } },
  build: (v): ConfigSourceSpec => ({ kind: 'ads', initialFetchTimeoutMs: v.initial_fetch_timeout }),
});
