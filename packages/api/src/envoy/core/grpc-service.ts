import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr, str } from '../schema/scalars.ts';
import { headerName, headerValue } from './http-header-text.ts';

/** A gRPC service reached through one of Envoy's (static) clusters. */
export interface GrpcServiceSpec {
  readonly clusterName: string;
  readonly authority: string;
  readonly initialMetadata: { key: string; value: string }[];
}

const envoyGrpc = message({
  name: 'envoy.config.core.v3.GrpcService.EnvoyGrpc',
  fields: {
    cluster_name: required(nonEmptyStr, { note: 'a static cluster speaking HTTP/2' }),
    authority: withDefault(str, '', { defaultText: 'the cluster name' }),
    retry_policy: ignored('the stream is reconnected with exponential backoff (0.5s to 30s, jittered)'),
    max_receive_message_length: ignored('responses of any size are accepted, as in Envoy'),
    skip_envoy_headers: ignored('no x-envoy- headers are sent on the stream'),
  },
  build: (v, ctx) => {
    ctx.field('cluster_name').reference('cluster', v.cluster_name, 'envoy_grpc');
    return { clusterName: v.cluster_name, authority: v.authority };
  },
});

const metadataEntry = message({
  name: 'envoy.config.core.v3.HeaderValue',
  title: 'GrpcService HeaderValue',
  fields: {
    key: required(headerName),
    value: withDefault(headerValue, ''),
    raw_value: unsupported('use value'),
  },
  build: (v) => ({ key: v.key, value: v.value }),
});

/** envoy.config.core.v3.GrpcService: `envoy_grpc` only (the management server is a cluster). */
export const grpcService = message({
  name: 'envoy.config.core.v3.GrpcService',
  fields: {
    envoy_grpc: optional(envoyGrpc, { oneof: 'target_specifier' }),
    google_grpc: unsupported('use envoy_grpc with a static cluster', { oneof: 'target_specifier' }),
    timeout: ignored('the ADS stream has no deadline'),
    initial_metadata: repeated(metadataEntry, { note: 'sent as gRPC metadata on the stream' }),
    retry_policy: ignored('the stream is reconnected with exponential backoff (0.5s to 30s, jittered)'),
  },
  oneofs: { target_specifier: { required: true } },
  build: (v): GrpcServiceSpec | undefined =>
    v.envoy_grpc === undefined ? undefined : { ...v.envoy_grpc, initialMetadata: v.initial_metadata },
});
