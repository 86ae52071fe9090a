import { emptyMessage } from '../schema/empty-message.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';

/** Where an xDS resource comes from. Tandem fetches dynamic resources over ADS only. */
export interface ConfigSourceSpec {
  readonly kind: 'ads';
}

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
    initial_fetch_timeout: ignored('Tandem waits for the first response without a deadline'),
    resource_api_version: withDefault(
      enumOf('ApiVersion', { AUTO: 0, V2: 1, V3: 2 }, ['AUTO', 'V3']),
      'AUTO',
    ),
  },
  oneofs: { config_source_specifier: { required: true } },
  build: (): ConfigSourceSpec => ({ kind: 'ads' }),
});
