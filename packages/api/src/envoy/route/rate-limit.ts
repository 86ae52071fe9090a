/**
 * envoy.config.route.v3.RateLimit: actions that turn a request into a rate limit descriptor (a list
 * of key/value entries) for the local rate limit filter. An action that cannot produce its entry
 * (a missing header, a header match that fails) drops the whole descriptor, as in Envoy.
 */
import { headerName } from '../core/http-header-text.ts';
import { listOf } from '../schema/collections.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import type { RateLimitAction, RateLimitPolicy } from '../types.ts';
import { headerMatcher } from './header-matcher.ts';

const NAME = 'envoy.config.route.v3.RateLimit.Action';

const requestHeaders = message({
  name: `${NAME}.RequestHeaders`,
  fields: {
    header_name: required(headerName),
    descriptor_key: required(nonEmptyStr),
    skip_if_absent: withDefault(bool, false),
  },
  build: (v): RateLimitAction => ({
    kind: 'requestHeaders',
    headerName: v.header_name,
    descriptorKey: v.descriptor_key,
    skipIfAbsent: v.skip_if_absent,
  }),
});

const genericKey = message({
  name: `${NAME}.GenericKey`,
  fields: {
    descriptor_value: required(nonEmptyStr),
    descriptor_key: withDefault(str, '', { defaultText: '"generic_key"' }),
  },
  build: (v): RateLimitAction => ({
    kind: 'genericKey',
    descriptorKey: v.descriptor_key || 'generic_key',
    descriptorValue: v.descriptor_value,
  }),
});

const headerValueMatch = message({
  name: `${NAME}.HeaderValueMatch`,
  fields: {
    descriptor_key: withDefault(str, '', { defaultText: '"header_match"' }),
    descriptor_value: required(nonEmptyStr),
    expect_match: withDefault(boolValue, true),
    headers: required(listOf(headerMatcher, { minItems: 1 })),
  },
  build: (v): RateLimitAction => ({
    kind: 'headerValueMatch',
    descriptorKey: v.descriptor_key || 'header_match',
    descriptorValue: v.descriptor_value,
    expectMatch: v.expect_match,
    headers: v.headers,
  }),
});

const which = { oneof: 'action_specifier' };

const action = message({
  name: NAME,
  fields: {
    source_cluster: optional(emptyMessage(`${NAME}.SourceCluster`), which),
    destination_cluster: optional(emptyMessage(`${NAME}.DestinationCluster`), which),
    request_headers: optional(requestHeaders, which),
    remote_address: optional(emptyMessage(`${NAME}.RemoteAddress`), which),
    generic_key: optional(genericKey, which),
    header_value_match: optional(headerValueMatch, which),
    dynamic_metadata: unsupported('metadata is not available', which),
    metadata: unsupported('metadata is not available', which),
    extension: unsupported(undefined, which),
    masked_remote_address: unsupported(undefined, which),
    query_parameter_value_match: unsupported(undefined, which),
  },
  oneofs: { action_specifier: { required: true } },
  build: (v): RateLimitAction | undefined => {
    if (v.source_cluster) return { kind: 'sourceCluster' };
    if (v.destination_cluster) return { kind: 'destinationCluster' };
    if (v.remote_address) return { kind: 'remoteAddress' };
    return v.request_headers ?? v.generic_key ?? v.header_value_match;
  },
});

/** envoy.config.route.v3.RateLimit. */
export const rateLimit = message({
  name: 'envoy.config.route.v3.RateLimit',
  fields: {
    stage: withDefault(wrapper('UInt32Value', uint32({ max: 10 })), 0),
    disable_key: unsupported('there is no runtime'),
    actions: required(listOf(action, { minItems: 1 })),
    limit: unsupported('dynamic limit overrides are not available'),
  },
  build: (v): RateLimitPolicy => ({ stage: v.stage, actions: v.actions }),
});
