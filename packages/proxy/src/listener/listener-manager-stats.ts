/** Envoy's `listener_manager.*` counters and gauges. */
import type { Counter, Gauge, StatsStore } from '../stats/stats.ts';

export class ListenerManagerStats {
  readonly added: Counter;
  readonly modified: Counter;
  readonly removed: Counter;
  readonly createFailure: Counter;
  readonly totalActive: Gauge;
  readonly totalWarming: Gauge;
  readonly totalDraining: Gauge;

  constructor(store: StatsStore) {
    const scope = store.scope('listener_manager.');
    this.added = scope.counter('listener_added');
    this.modified = scope.counter('listener_modified');
    this.removed = scope.counter('listener_removed');
    this.createFailure = scope.counter('listener_create_failure');
    this.totalActive = scope.gauge('total_listeners_active');
    this.totalWarming = scope.gauge('total_listeners_warming');
    this.totalDraining = scope.gauge('total_listeners_draining');
  }

  /** A warmed listener took over: a new name, or a new config for a known one. */
  activated(replaced: boolean): void {
    (replaced ? this.modified : this.added).inc();
  }

  rejected(count: number): void {
    this.createFailure.add(count);
  }

  setTotals(active: number, warming: number, draining: number): void {
    this.totalActive.set(active);
    this.totalWarming.set(warming);
    this.totalDraining.set(draining);
  }
}
