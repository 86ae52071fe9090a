import { ConfigIssueCode } from '../issue-codes.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool } from '../schema/scalars.ts';
import type { AdsConfig } from '../types.ts';
import { grpcService } from './grpc-service.ts';

const apiType = enumOf(
  'ApiType',
  {
    DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE: 0,
    REST: 1,
    GRPC: 2,
    DELTA_GRPC: 3,
    AGGREGATED_GRPC: 5,
    AGGREGATED_DELTA_GRPC: 6,
  },
  ['GRPC'],
);

/** envoy.config.core.v3.ApiConfigSource, as `dynamic_resources.ads_config`: state-of-the-world gRPC. */
export const adsApiConfigSource = message({
  name: 'envoy.config.core.v3.ApiConfigSource',
  fields: {
    api_type: required(apiType, { note: 'GRPC: state-of-the-world ADS' }),
    transport_api_version: withDefault(
      enumOf('ApiVersion', { AUTO: 0, V2: 1, V3: 2 }, ['AUTO', 'V3']),
      'AUTO',
      {
        note: 'AUTO means V3',
      },
    ),
    cluster_names: unsupported('REST config sources are not available; use grpc_services'),
    grpc_services: repeated(grpcService, { note: 'exactly one, with envoy_grpc' }),
    refresh_delay: ignored('only used by REST config sources'),
    request_timeout: ignored('only used by REST config sources'),
    rate_limit_settings: ignored('requests are not rate limited'),
    set_node_on_first_message_only: withDefault(bool, false),
    config_validators: unsupported(),
  },
  build: (v, ctx): AdsConfig | undefined => {
    const service = v.grpc_services[0];
    if (v.grpc_services.length !== 1 || service === undefined) {
      const got = v.grpc_services.length;
      ctx.field('grpc_services').error(ConfigIssueCode.range, `needs exactly one gRPC service, got ${got}`);
      return undefined;
    }
    return {
      apiType: v.api_type,
      clusterName: service.clusterName,
      authority: service.authority,
      initialMetadata: service.initialMetadata,
      setNodeOnFirstMessageOnly: v.set_node_on_first_message_only,
    };
  },
});
