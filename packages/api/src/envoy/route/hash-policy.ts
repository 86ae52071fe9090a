import { headerName } from '../core/http-header-text.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { duration } from '../schema/duration.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import type { HashPolicy } from '../types.ts';

const header = message({
  name: 'envoy.config.route.v3.RouteAction.HashPolicy.Header',
  fields: { header_name: required(headerName), regex_rewrite: unsupported() },
  build: (v) => v.header_name,
});

const cookie = message({
  name: 'envoy.config.route.v3.RouteAction.HashPolicy.Cookie',
  fields: {
    name: required(nonEmptyStr),
    ttl: optional(duration(), {
      note: 'if set, Tandem generates the cookie when absent; 0s makes a session cookie',
    }),
    path: withDefault(str, ''),
    attributes: unsupported(),
  },
  build: (v) => ({ name: v.name, ttlMs: v.ttl, path: v.path }),
});

const connectionProperties = message({
  name: 'envoy.config.route.v3.RouteAction.HashPolicy.ConnectionProperties',
  fields: { source_ip: withDefault(bool, false) },
  build: (v, ctx) => {
    if (v.source_ip) return true;
    ctx
      .field('source_ip')
      .error(ConfigIssueCode.invalid, 'must be true: the source IP is the only connection property');
    return undefined;
  },
});

const queryParameter = message({
  name: 'envoy.config.route.v3.RouteAction.HashPolicy.QueryParameter',
  fields: { name: required(nonEmptyStr) },
  build: (v) => v.name,
});

const oneof = 'policy_specifier';

export const hashPolicy = message({
  name: 'envoy.config.route.v3.RouteAction.HashPolicy',
  fields: {
    header: optional(header, { oneof }),
    cookie: optional(cookie, { oneof }),
    connection_properties: optional(connectionProperties, { oneof }),
    query_parameter: optional(queryParameter, { oneof }),
    filter_state: unsupported(undefined, { oneof }),
    terminal: withDefault(bool, false),
  },
  oneofs: { [oneof]: { required: true } },
  build: (v): HashPolicy | undefined => {
    const terminal = v.terminal;
    if (v.header !== undefined) return { kind: 'header', headerName: v.header, terminal };
    if (v.cookie !== undefined) return { kind: 'cookie', ...v.cookie, terminal };
    if (v.connection_properties !== undefined) return { kind: 'sourceIp', terminal };
    if (v.query_parameter !== undefined) return { kind: 'queryParameter', name: v.query_parameter, terminal };
    return undefined;
  },
});
