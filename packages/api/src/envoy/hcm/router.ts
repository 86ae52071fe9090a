import { ignored, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';

export const ROUTER_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
export const ROUTER_NAME = 'envoy.filters.http.router';

/** The router filter's validated config (it has no settings Tandem uses yet). */
export interface RouterConfig {
  readonly kind: 'router';
}

/** envoy.extensions.filters.http.router.v3.Router: the terminal HTTP filter. */
export const routerSchema = message({
  name: 'envoy.extensions.filters.http.router.v3.Router',
  fields: {
    dynamic_stats: ignored('router statistics are always on'),
    start_child_span: ignored('tracing is not implemented yet'),
    upstream_log: ignored('access logging is not implemented yet'),
    upstream_log_options: ignored('access logging is not implemented yet'),
    suppress_envoy_headers: unsupported(),
    strict_check_headers: unsupported(),
    respect_expected_rq_timeout: unsupported(),
    suppress_grpc_request_failure_code_stats: ignored('gRPC statistics are not emitted per status'),
    upstream_http_filters: unsupported(),
  },
  build: (): RouterConfig => ({ kind: 'router' }),
});
