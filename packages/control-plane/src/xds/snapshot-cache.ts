import { assertSnapshotConsistent } from './check-snapshot-consistency.ts';
import type { Snapshot } from './snapshot.ts';

/** Called with the new snapshot of a node. */
export type SnapshotListener = (snapshot: Snapshot) => void;

/**
 * The latest consistent snapshot of every node key, and the watches of the connections serving them. The
 * server never computes config: whoever translates config calls {@link setSnapshot}; connections answer
 * their clients from what is here.
 *
 * @example
 * const cache = new SnapshotCache();
 * cache.setSnapshot('sidecar~10.0.0.7', buildSnapshot('1', resources));
 */
export class SnapshotCache {
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #watchers = new Map<string, Set<SnapshotListener>>();

  /**
   * Publishes a snapshot for a node key after checking its consistency, and notifies the watches of that
   * key. Setting the snapshot a key already has does nothing.
   *
   * @throws {XdsServerError} `TANDEM_ERR_XDS_SNAPSHOT_INCONSISTENT` (the previous snapshot stays).
   */
  setSnapshot(nodeKey: string, snapshot: Snapshot): void {
    assertSnapshotConsistent(snapshot);
    if (this.#snapshots.get(nodeKey) === snapshot) return;
    this.#snapshots.set(nodeKey, snapshot);
    for (const listener of [...(this.#watchers.get(nodeKey) ?? [])]) listener(snapshot);
  }

  getSnapshot(nodeKey: string): Snapshot | undefined {
    return this.#snapshots.get(nodeKey);
  }

  /** Forgets a node key's snapshot. Connections keep serving what they have until a new one is set. */
  clearSnapshot(nodeKey: string): void {
    this.#snapshots.delete(nodeKey);
  }

  /** Node keys that have a snapshot. */
  nodeKeys(): string[] {
    return [...this.#snapshots.keys()];
  }

  /** Calls `listener` with every snapshot later set for `nodeKey`; returns the function that stops it. */
  watch(nodeKey: string, listener: SnapshotListener): () => void {
    let listeners = this.#watchers.get(nodeKey);
    if (listeners === undefined) {
      listeners = new Set();
      this.#watchers.set(nodeKey, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#watchers.get(nodeKey) === listeners) this.#watchers.delete(nodeKey);
    };
  }

  /** How many watches are open for a node key (for status and tests). */
  watchCount(nodeKey: string): number {
    return this.#watchers.get(nodeKey)?.size ?? 0;
  }
}
