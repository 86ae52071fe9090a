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

/** A scope whose prefix names an object (cluster, listener, ...): Envoy's tag extraction. */
export interface TaggedPrefix {
  /** The whole prefix, e.g. `cluster.outbound|80||web.default.svc.cluster.local.`. */
  readonly prefix: string;
  /** The stat family it stands for, e.g. `cluster`. */
  readonly family: string;
  /** Envoy's tag name, e.g. `envoy_cluster_name`. */
  readonly tag: string;
  readonly value: string;
}

const TAGS: Record<string, string> = {
  cluster: 'envoy_cluster_name',
  http: 'envoy_http_conn_manager_prefix',
  listener: 'envoy_listener_address',
  tcp: 'envoy_tcp_prefix',
};

export class StatsStore {
  readonly counters = new Map<string, Counter>();
  readonly gauges = new Map<string, Gauge>();
  /** Prefixes that carry a tag, by prefix; recorded when a scope is made, read by the Prometheus output. */
  readonly taggedPrefixes = new Map<string, TaggedPrefix>();

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
    this.noteScope(prefix);
    return new StatsScope(this, prefix);
  }

  /** Records `cluster.<name>.`-shaped prefixes, whose name part becomes a label in /stats/prometheus. */
  noteScope(prefix: string): void {
    const dot = prefix.indexOf('.');
    if (dot <= 0 || !prefix.endsWith('.') || prefix.length <= dot + 2) return;
    const family = prefix.slice(0, dot);
    const tag = TAGS[family];
    if (tag === undefined || this.taggedPrefixes.has(prefix)) return;
    this.taggedPrefixes.set(prefix, { prefix, family, tag, value: prefix.slice(dot + 1, -1) });
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
    this.store.noteScope(this.prefix + prefix);
    return new StatsScope(this.store, this.prefix + prefix);
  }
}
