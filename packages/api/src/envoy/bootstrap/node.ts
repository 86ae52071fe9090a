import { locality } from '../core/locality.ts';
import { ignored, optional, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str, struct } from '../schema/scalars.ts';
import type { NodeInfo } from '../types.ts';

const ownValue = ignored('Tandem reports its own value to the management server');
const informational = ignored('not sent to the management server');

/** envoy.config.core.v3.Node: who this proxy is. */
export const node = message({
  name: 'envoy.config.core.v3.Node',
  fields: {
    id: withDefault(str, ''),
    cluster: withDefault(str, ''),
    metadata: withDefault(struct, {}),
    dynamic_parameters: informational,
    locality: optional(locality),
    user_agent_name: ownValue,
    user_agent_version: ownValue,
    user_agent_build_version: ownValue,
    extensions: ownValue,
    client_features: ownValue,
    listening_addresses: ignored('deprecated and unused', { deprecated: true }),
  },
  build: (v): NodeInfo => ({ id: v.id, cluster: v.cluster, metadata: v.metadata, locality: v.locality }),
});

export const EMPTY_NODE: NodeInfo = { id: '', cluster: '', metadata: {}, locality: undefined };
