import { cluster } from '../cluster/cluster.ts';
import { listener } from '../listener/listener.ts';
import { listOf, type UniqueRule } from '../schema/collections.ts';
import { withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { secret } from '../tls/secret.ts';
import type { Listener, StaticResources } from '../types.ts';

function uniqueName<T extends { name: string }>(what: string, list: string): UniqueRule<T> {
  return {
    key: (value: { name: string }) => value.name,
    message: (name: string, first: number) =>
      `${what} name ${JSON.stringify(name)} is already used by ${list}[${first}]`,
  };
}

const uniqueAddress: UniqueRule<Listener> = {
  key: (value) =>
    value.bindToPort && value.address.portValue !== 0
      ? `${value.address.address}:${value.address.portValue}`
      : undefined,
  message: (address, first) =>
    `listener address ${address} is already used by static_resources.listeners[${first}]`,
};

const listeners = listOf(listener, {
  unique: [uniqueName('listener', 'static_resources.listeners'), uniqueAddress],
});

/** envoy.config.bootstrap.v3.Bootstrap.StaticResources. */
export const staticResources = message({
  name: 'envoy.config.bootstrap.v3.Bootstrap.StaticResources',
  fields: {
    listeners: withDefault(listeners, [], { note: 'names and bound address:port pairs must be unique' }),
    clusters: withDefault(
      listOf(cluster, { unique: [uniqueName('cluster', 'static_resources.clusters')] }),
      [],
      {
        note: 'names must be unique',
      },
    ),
    secrets: withDefault(listOf(secret, { unique: [uniqueName('secret', 'static_resources.secrets')] }), [], {
      note: 'names must be unique',
    }),
  },
  build: (v): StaticResources => ({ listeners: v.listeners, clusters: v.clusters, secrets: v.secrets }),
});
