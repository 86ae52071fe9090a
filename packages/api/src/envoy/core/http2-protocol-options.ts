import { ignored, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { Http2ProtocolOptions } from '../types.ts';

const MAX_INT32 = 2147483647;
const WINDOW = 256 * 1024 * 1024;

/** Envoy's HTTP/2 defaults. */
export const DEFAULT_HTTP2_OPTIONS: Http2ProtocolOptions = {
  maxConcurrentStreams: MAX_INT32,
  initialStreamWindowSize: WINDOW,
  initialConnectionWindowSize: WINDOW,
};

const window = wrapper('UInt32Value', uint32({ min: 65535, max: MAX_INT32 }));
const floodLimit = ignored("Node's HTTP/2 flood protection applies");

/** envoy.config.core.v3.Http2ProtocolOptions. */
export const http2ProtocolOptions = message({
  name: 'envoy.config.core.v3.Http2ProtocolOptions',
  fields: {
    hpack_table_size: unsupported(),
    max_concurrent_streams: withDefault(
      wrapper('UInt32Value', uint32({ min: 1, max: MAX_INT32 })),
      MAX_INT32,
    ),
    initial_stream_window_size: withDefault(window, WINDOW),
    initial_connection_window_size: withDefault(window, WINDOW),
    allow_connect: unsupported('CONNECT is not proxied'),
    allow_metadata: unsupported(),
    max_outbound_frames: floodLimit,
    max_outbound_control_frames: floodLimit,
    max_consecutive_inbound_frames_with_empty_payload: floodLimit,
    max_inbound_priority_frames_per_stream: floodLimit,
    max_inbound_window_update_frames_per_data_frame_sent: floodLimit,
    stream_error_on_invalid_http_messaging: unsupported(),
    override_stream_error_on_invalid_http_message: unsupported(),
    custom_settings_parameters: unsupported(),
    connection_keepalive: unsupported(),
    use_oghttp2_codec: ignored("Tandem uses Node's HTTP/2 codec"),
    max_metadata_size: unsupported(),
  },
  build: (v): Http2ProtocolOptions => ({
    maxConcurrentStreams: v.max_concurrent_streams,
    initialStreamWindowSize: v.initial_stream_window_size,
    initialConnectionWindowSize: v.initial_connection_window_size,
  }),
});
