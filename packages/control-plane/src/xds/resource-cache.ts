import type { SnapshotResource } from './snapshot.ts';

/**
 * Encoded resources remembered between snapshots, so that building a snapshot encodes and hashes
 * only what is new, and snapshots built with one cache share their unchanged resources, bytes
 * included. A resource is found by the identity of its JSON object (a frozen object given again,
 * as memoized translation does) or by its content (type URL and JSON text: equal JSON encodes to
 * equal bytes). A JSON object must not change once it was given to the cache; frozen ones cannot.
 *
 * Entries live for two generations: {@link rotate} after each round of snapshot building drops
 * what was used neither in that round nor in the one before.
 *
 * @example
 * const cache = new ResourceCache();
 * const a = buildSnapshot('1', resources, cache);
 * cache.rotate();
 * const b = buildSnapshot('2', resources, cache); // nothing re-encoded
 */
export class ResourceCache {
  readonly #byObject = new WeakMap<object, SnapshotResource>();
  #current = new Map<string, SnapshotResource>();
  #previous = new Map<string, SnapshotResource>();
  /** Resources encoded, and found in the cache, since the cache was made. */
  readonly counters = { encoded: 0, reused: 0 };

  /** The cached resource for `json` of `typeUrl`, or the one `build` makes (then cached). */
  resource(typeUrl: string, json: unknown, build: () => SnapshotResource): SnapshotResource {
    const frozen = typeof json === 'object' && json !== null && Object.isFrozen(json);
    const known = frozen ? this.#byObject.get(json) : undefined;
    if (known !== undefined && known.any.type_url === typeUrl) {
      this.counters.reused++;
      return known;
    }
    const key = `${typeUrl}\n${JSON.stringify(json)}`;
    let resource = this.#current.get(key) ?? this.#previous.get(key);
    if (resource === undefined) {
      resource = build();
      this.counters.encoded++;
    } else this.counters.reused++;
    this.#current.set(key, resource);
    if (frozen) this.#byObject.set(json as object, resource);
    return resource;
  }

  /** Ends a generation: entries not used in it or the one before are dropped. */
  rotate(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }

  /** Resources used in the current generation. */
  get size(): number {
    return this.#current.size;
  }
}
