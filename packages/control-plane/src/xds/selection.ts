/**
 * What a state-of-the-world response carries: the resources of one type a subscription selects
 * from a snapshot, in name order, with the version of exactly that set and (on demand) their
 * encoding as the `resources` field of a DiscoveryResponse. Selections are memoized per snapshot
 * and subscription, so the many connections that share a snapshot and subscribe to the same
 * names share one selection: sorted, hashed and encoded once.
 */
import type { AnyMessage } from '@tandem/xds-proto';
import { encodeResourcesField } from './discovery-response-encoding.ts';
import { compare, resourcesOf, type Snapshot, type SnapshotResource, selectionVersion } from './snapshot.ts';

/** A subscription's resource names, with a key that is equal for equal sets. */
export interface NameSet {
  readonly names: ReadonlySet<string>;
  readonly sorted: readonly string[];
  /** The names sorted and joined by NUL characters. */
  readonly key: string;
}

export const NO_NAMES: NameSet = Object.freeze({ names: new Set<string>(), sorted: [], key: '' });

/**
 * Interned name sets: connections subscribing to equal names share one object (thousands of
 * proxies asking for the same thousands of endpoint names hold them once), counted so that a set
 * nobody subscribes to any more is forgotten.
 */
export class NameSets {
  readonly #byKey = new Map<string, { set: NameSet; refs: number }>();

  acquire(names: Iterable<string>): NameSet {
    const list = [...new Set(names)];
    const sorted = isSorted(list) ? list : list.sort(compare);
    if (sorted.length === 0) return NO_NAMES;
    const key = sorted.join('\u0000');
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      entry = { set: Object.freeze({ names: new Set(sorted), sorted, key }), refs: 0 };
      this.#byKey.set(key, entry);
    }
    entry.refs++;
    return entry.set;
  }

  release(set: NameSet): void {
    const entry = this.#byKey.get(set.key);
    if (entry === undefined || entry.set !== set) return;
    if (--entry.refs === 0) this.#byKey.delete(set.key);
  }

  get size(): number {
    return this.#byKey.size;
  }
}

export interface Selection {
  readonly resources: readonly SnapshotResource[];
  /** The resources' Any messages, in the same order. */
  readonly anys: readonly AnyMessage[];
  /** Hash of the names and versions of `resources` (a response's `version_info`). */
  readonly version: string;
  /** `resources` encoded as DiscoveryResponse field 2 (repeated Any), computed once on first use. */
  encoded(): Buffer;
}

/** Per snapshot, per type: the selection of each name set (interned, so keyed by identity), or of a wildcard. */
const selections = new WeakMap<Snapshot, Map<string, Map<NameSet | 'wildcard', Selection>>>();

/** The resources of `typeUrl` in `snapshot` that `names` (or a wildcard) select. */
export function selectResources(
  snapshot: Snapshot,
  typeUrl: string,
  wildcard: boolean,
  names: NameSet,
): Selection {
  let byType = selections.get(snapshot);
  if (byType === undefined) selections.set(snapshot, (byType = new Map()));
  let bySubscription = byType.get(typeUrl);
  if (bySubscription === undefined) byType.set(typeUrl, (bySubscription = new Map()));
  const key = wildcard ? 'wildcard' : names;
  let selection = bySubscription.get(key);
  if (selection === undefined) {
    const all = resourcesOf(snapshot, typeUrl);
    const resources = wildcard
      ? [...all.values()].sort((a, b) => compare(a.name, b.name))
      : names.sorted.flatMap((name) => all.get(name) ?? []);
    // All of the type (names are distinct): its version is the type's, already computed.
    const whole = resources.length === all.size && snapshot.typeVersions.get(typeUrl);
    selection = makeSelection(resources, whole || selectionVersion(resources));
    bySubscription.set(key, selection);
  }
  return selection;
}

function isSorted(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! >= list[i]!) return false;
  return true;
}

const changes = new WeakMap<Selection, WeakMap<Selection, Selection>>();

/**
 * The part of `current` that differs from `previous` (resources new or with another version), as
 * a selection versioned like `current`: what a client holding `previous` must be sent to hold
 * `current`, for types whose responses need not repeat unchanged resources.
 */
export function changedSince(previous: Selection, current: Selection): Selection {
  let byCurrent = changes.get(previous);
  if (byCurrent === undefined) changes.set(previous, (byCurrent = new WeakMap()));
  let changed = byCurrent.get(current);
  if (changed === undefined) {
    const before = new Map(previous.resources.map((r) => [r.name, r.version]));
    changed = makeSelection(
      current.resources.filter((r) => before.get(r.name) !== r.version),
      current.version,
    );
    byCurrent.set(current, changed);
  }
  return changed;
}

function makeSelection(resources: readonly SnapshotResource[], version: string): Selection {
  let encoded: Buffer | undefined;
  return Object.freeze({
    resources,
    anys: resources.map((resource) => resource.any),
    version,
    encoded: () => {
      encoded ??= encodeResourcesField(resources);
      return encoded;
    },
  });
}
