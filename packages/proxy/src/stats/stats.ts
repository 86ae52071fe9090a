/**
 * Envoy-style stats: named counters and gauges in a flat store. A stage asks its scope for its
 * counters once, when its config is built, and bumps the returned objects on the hot path; no
 * lookup by name happens per request.
 */
export class Counter {
  value = 0;
  inc(): void {
    this.value++;
  }
  add(n: number): void {
    this.value += n;
  }
}

export class Gauge {
  value = 0;
  inc(): void {
    this.value++;
  }
  dec(): void {
    this.value--;
  }
  set(v: number): void {
    this.value = v;
  }
}

export class StatsStore {
  readonly counters = new Map<string, Counter>();
  readonly gauges = new Map<string, Gauge>();

  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = new Counter()));
    return c;
  }

  gauge(name: string): Gauge {
    let g = this.gauges.get(name);
    if (!g) this.gauges.set(name, (g = new Gauge()));
    return g;
  }

  /** A view whose names are prefixed with `prefix` (which should end in `.`). */
  scope(prefix: string): StatsScope {
    return new StatsScope(this, prefix);
  }
}

export class StatsScope {
  readonly store: StatsStore;
  readonly prefix: string;

  constructor(store: StatsStore, prefix: string) {
    this.store = store;
    this.prefix = prefix;
  }

  counter(name: string): Counter {
    return this.store.counter(this.prefix + name);
  }

  gauge(name: string): Gauge {
    return this.store.gauge(this.prefix + name);
  }

  scope(prefix: string): StatsScope {
    return new StatsScope(this.store, this.prefix + prefix);
  }
}
