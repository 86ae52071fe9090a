import { ignored, optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import type { Route } from '../types.ts';
import { directResponseAction } from './direct-response-action.ts';
import { buildHeaderMutations, headerMutationFields } from './header-mutations.ts';
import { redirectAction } from './redirect-action.ts';
import { routeAction } from './route-action.ts';
import { routeMatch } from './route-match.ts';
import { buildTypedPerFilterConfig, typedPerFilterConfigField } from './typed-per-filter-config.ts';

const action = { oneof: 'action' };

/** envoy.config.route.v3.Route. */
export const route = message({
  name: 'envoy.config.route.v3.Route',
  label: 'route',
  fields: {
    name: withDefault(str, ''),
    match: required(routeMatch),
    route: optional(routeAction, action),
    redirect: optional(redirectAction, action),
    direct_response: optional(directResponseAction, action),
    filter_action: unsupported(undefined, action),
    non_forwarding_action: unsupported(undefined, action),
    metadata: ignored('route metadata is not read by any supported filter'),
    decorator: ignored('tracing is not implemented yet'),
    typed_per_filter_config: typedPerFilterConfigField,
    ...headerMutationFields,
    tracing: ignored('tracing is not implemented yet'),
    per_request_buffer_limit_bytes: unsupported("the listener's per_connection_buffer_limit_bytes applies"),
    stat_prefix: ignored('per-route statistics are not emitted'),
  },
  oneofs: { action: { required: true } },
  build: (v): Route | undefined => {
    const chosen = v.route ?? v.redirect ?? v.direct_response;
    if (chosen === undefined) return undefined;
    const perFilter = buildTypedPerFilterConfig(v.typed_per_filter_config);
    return {
      name: v.name,
      match: v.match,
      action: chosen,
      headers: buildHeaderMutations(v),
      ...(perFilter !== undefined ? { typedPerFilterConfig: perFilter } : {}),
    };
  },
});
