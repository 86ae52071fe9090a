import { ignored, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, str } from '../schema/scalars.ts';
import type { Http1ProtocolOptions } from '../types.ts';

export const DEFAULT_HTTP1_OPTIONS: Http1ProtocolOptions = { acceptHttp10: false, defaultHostForHttp10: '' };

/** envoy.config.core.v3.Http1ProtocolOptions. */
export const http1ProtocolOptions = message({
  name: 'envoy.config.core.v3.Http1ProtocolOptions',
  fields: {
    allow_absolute_url: unsupported(),
    accept_http_10: withDefault(bool, false),
    default_host_for_http_10: withDefault(str, '', { note: 'Host for HTTP/1.0 requests without one' }),
    header_key_format: unsupported('header names are sent lower-case'),
    enable_trailers: unsupported(),
    allow_chunked_length: unsupported(),
    override_stream_error_on_invalid_http_message: unsupported(),
    send_fully_qualified_url: unsupported(),
    use_balsa_parser: ignored("Tandem uses Node's HTTP/1 parser"),
    allow_custom_methods: unsupported(),
    ignore_http_11_upgrade: unsupported(),
  },
  build: (v): Http1ProtocolOptions => ({
    acceptHttp10: v.accept_http_10,
    defaultHostForHttp10: v.default_host_for_http_10,
  }),
});
