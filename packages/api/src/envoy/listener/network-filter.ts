import { anyOf, TypeRegistry } from '../schema/any.ts';
import { optional, required, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import type { NetworkFilter } from '../types.ts';

/** A network filter's config without its name. */
export type NetworkFilterConfig = NetworkFilter extends unknown ? Omit<NetworkFilter, 'name'> : never;

/** Network filters by type URL (http_connection_manager, tcp_proxy). */
export const networkFilters = new TypeRegistry<NetworkFilterConfig>('network filter');

/** A validated network filter and whether it must end its chain. */
export interface NetworkFilterEntry {
  readonly filter: NetworkFilter;
  readonly terminal: boolean;
}

const config = { oneof: 'config_type' };

/** envoy.config.listener.v3.Filter. */
export const networkFilter = message({
  name: 'envoy.config.listener.v3.Filter',
  fields: {
    name: required(nonEmptyStr),
    typed_config: optional(anyOf(networkFilters), config),
    config_discovery: unsupported('filter configs are not discovered over xDS', config),
  },
  build: (v, ctx): NetworkFilterEntry | undefined => {
    const typed = resolveExtension(networkFilters, v.name, v.typed_config, ctx);
    if (typed === undefined) return undefined;
    return { filter: { name: v.name, ...typed.value } as NetworkFilter, terminal: typed.entry.terminal };
  },
});
