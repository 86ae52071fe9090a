import { locality } from '../core/locality.ts';
import { ignored, optional, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str, struct } from '../schema/scalars.ts';
import type { NodeInfo } from '../types.ts';

const informational = ignored('only sent to management servers, which Tandem does not talk to yet');

/** envoy.config.core.v3.Node: who this proxy is. */
export const node = message({
  name: 'envoy.config.core.v3.Node',
  fields: {
    id: withDefault(str, ''),
    cluster: withDefault(str, ''),
    metadata: withDefault(struct, {}),
    dynamic_parameters: informational,
    locality: optional(locality),
    user_agent_name: informational,
    user_agent_version: informational,
    user_agent_build_version: informational,
    extensions: informational,
    client_features: informational,
    listening_addresses: ignored('deprecated and unused', { deprecated: true }),
  },
  build: (v): NodeInfo => ({ id: v.id, cluster: v.cluster, metadata: v.metadata, locality: v.locality }),
});

export const EMPTY_NODE: NodeInfo = { id: '', cluster: '', metadata: {}, locality: undefined };
