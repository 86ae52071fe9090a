import {
  DEFAULT_UPSTREAM_LIMITS,
  type UpstreamHttpLimits,
  upstreamHttpProtocolOptions,
} from '../core/common-http-protocol-options.ts';
import { http1ProtocolOptions } from '../core/http1-protocol-options.ts';
import { DEFAULT_HTTP2_OPTIONS, http2ProtocolOptions } from '../core/http2-protocol-options.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf, TypeRegistry } from '../schema/any.ts';
import { mapOf } from '../schema/collections.ts';
import { optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { refine } from '../schema/schema.ts';
import type { Cluster, Http2ProtocolOptions } from '../types.ts';

export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** What the upstream HttpProtocolOptions extension contributes to a Cluster. */
export interface UpstreamHttpOptions {
  readonly protocol: Cluster['protocol'];
  readonly http2: Http2ProtocolOptions;
  readonly limits: UpstreamHttpLimits;
}

const protocol = { oneof: 'protocol_config' };

const explicitHttpConfig = message({
  name: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig',
  fields: {
    http_protocol_options: optional(http1ProtocolOptions, protocol),
    http2_protocol_options: optional(http2ProtocolOptions, protocol),
    http3_protocol_options: unsupported('HTTP/3 is not available', protocol),
  },
  oneofs: { protocol_config: { required: true } },
  build: (v) => ({ http2: v.http2_protocol_options }),
});

const useDownstreamHttpConfig = message({
  name: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig',
  fields: {
    http_protocol_options: optional(http1ProtocolOptions),
    http2_protocol_options: optional(http2ProtocolOptions),
    http3_protocol_options: unsupported('HTTP/3 is not available'),
  },
  build: (v) => ({ http2: v.http2_protocol_options }),
});

const selection = { oneof: 'upstream_protocol_options' };

const httpProtocolOptions = message({
  name: HTTP_PROTOCOL_OPTIONS_KEY,
  title: 'HttpProtocolOptions (upstreams.http.v3)',
  fields: {
    common_http_protocol_options: withDefault(upstreamHttpProtocolOptions, DEFAULT_UPSTREAM_LIMITS),
    upstream_http_protocol_options: unsupported('auto SNI and SAN validation are not available'),
    explicit_http_config: optional(explicitHttpConfig, selection),
    use_downstream_protocol_config: optional(useDownstreamHttpConfig, selection),
    auto_config: unsupported('protocol selection by ALPN is not available', selection),
    http_filters: unsupported('upstream HTTP filters are not available'),
    header_validation_config: unsupported(),
  },
  oneofs: { upstream_protocol_options: { required: true } },
  build: (v): UpstreamHttpOptions => {
    const explicit = v.explicit_http_config;
    const chosen = explicit ?? v.use_downstream_protocol_config;
    return {
      protocol: explicit === undefined ? 'downstream' : explicit.http2 === undefined ? 'http1' : 'http2',
      http2: chosen?.http2 ?? DEFAULT_HTTP2_OPTIONS,
      limits: v.common_http_protocol_options,
    };
  },
});

export const upstreamExtensions = new TypeRegistry<UpstreamHttpOptions>('upstream protocol options');
upstreamExtensions.register(`type.googleapis.com/${HTTP_PROTOCOL_OPTIONS_KEY}`, httpProtocolOptions);

/** Cluster.typed_extension_protocol_options: only the upstream HTTP protocol options are known. */
export const typedExtensionProtocolOptions = refine(mapOf(anyOf(upstreamExtensions)), (map, ctx) => {
  for (const key of Object.keys(map)) {
    if (key === HTTP_PROTOCOL_OPTIONS_KEY) continue;
    ctx
      .key(key)
      .error(
        ConfigIssueCode.unsupported,
        `protocol options for ${JSON.stringify(key)} are not supported by Tandem; only ${HTTP_PROTOCOL_OPTIONS_KEY}`,
      );
  }
});
