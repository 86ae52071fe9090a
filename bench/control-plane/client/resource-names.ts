/**
 * What a client must read from the resources it receives to know what to ask for next, as Envoy
 * does: the EDS names of its clusters, the RDS names of its listeners. Memoized per process by a
 * content version the server gives (a SotW response's version_info, a delta resource's version:
 * Tandem's are hashes of the bytes), so that many clients sharing one config decode it once.
 */
import { decodeResource, ExtensionTypeUrls, TypeUrls } from '@tandem/xds-proto';
import { edsNameOfCluster } from './wire.ts';

type Json = Record<string, unknown>;

const MEMO_LIMIT = 4_096;

/** A small bounded memo: cleared when full (the working set is a handful of versions). */
export class VersionMemo<T> {
  readonly #entries = new Map<string, T>();

  get(key: string, compute: () => T): T {
    let value = this.#entries.get(key);
    if (value === undefined && !this.#entries.has(key)) {
      value = compute();
      if (this.#entries.size >= MEMO_LIMIT) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value as T;
  }
}

export function edsName(cluster: Buffer): string | undefined {
  return edsNameOfCluster(cluster);
}

/** The route configuration names a listener's HTTP connection managers take over RDS. */
export function routeNames(listener: Buffer): string[] {
  const json = decodeResource({ type_url: TypeUrls.listener, value: listener });
  const chains = [...list(json.filter_chains)];
  const defaultChain = object(json.default_filter_chain);
  if (defaultChain !== undefined) chains.push(defaultChain);
  const configs = chains.flatMap((chain) => list(chain.filters).map((filter) => object(filter.typed_config)));
  configs.push(object(object(json.api_listener)?.api_listener));
  const names: string[] = [];
  for (const config of configs) {
    if (config?.['@type'] !== ExtensionTypeUrls.httpConnectionManager) continue;
    const name = object(config.rds)?.route_config_name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): Json[] {
  if (!Array.isArray(value)) return [];
  const out: Json[] = [];
  for (const item of value as unknown[]) {
    const entry = object(item);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}
