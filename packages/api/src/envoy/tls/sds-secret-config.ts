import { configSource } from '../core/config-source.ts';
import { optional, required } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';

/** A secret named here: from static_resources.secrets, or over ADS when `sds_config` is set. */
export interface SdsSecretRef {
  readonly name: string;
  readonly overAds: boolean;
}

export const sdsSecretConfig = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig',
  fields: {
    name: required(nonEmptyStr),
    sds_config: optional(configSource, { note: 'unset: the secret comes from static_resources.secrets' }),
  },
  build: (v): SdsSecretRef => ({ name: v.name, overAds: v.sds_config !== undefined }),
});
