/**
 * Fetches the JWKS of every RequestAuthentication `jwksUri` in use and keeps it fresh (Istio's istiod does
 * the same and inlines the keys into the proxies' config, so proxies never call out): fetched when a URI
 * first appears, refreshed every `refreshMs`, kept when a refresh fails. A change of any document calls
 * `onChange` (the control plane then pushes). Fetches are bounded by `timeoutMs` and never overlap per URI.
 */

export interface JwksResolverOptions {
  readonly fetch?: (
    url: string,
    init: { signal: AbortSignal },
  ) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
  /** Default 20 minutes (Istio's default refresh interval). */
  readonly refreshMs?: number;
  readonly timeoutMs?: number;
  readonly onChange: () => void;
  readonly log?: (line: string) => void;
}

export class JwksResolver {
  private readonly options: JwksResolverOptions;
  private readonly docs = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<string>();
  private closed = false;

  constructor(options: JwksResolverOptions) {
    this.options = options;
  }

  /** The URIs in use now: new ones are fetched, unused ones forgotten. */
  track(uris: Iterable<string>): void {
    const wanted = new Set(uris);
    for (const uri of [...this.timers.keys()]) {
      if (wanted.has(uri)) continue;
      clearInterval(this.timers.get(uri));
      this.timers.delete(uri);
      this.docs.delete(uri);
    }
    for (const uri of wanted) {
      if (this.timers.has(uri) || this.closed) continue;
      const timer = setInterval(() => void this.refresh(uri), this.options.refreshMs ?? 20 * 60_000);
      timer.unref();
      this.timers.set(uri, timer);
      void this.refresh(uri);
    }
  }

  /** The documents fetched so far, by URI. */
  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.docs);
  }

  /** Fetches one URI now (tests and the first fetch). */
  async refresh(uri: string): Promise<void> {
    if (this.inFlight.has(uri) || this.closed) return;
    this.inFlight.add(uri);
    try {
      const fetcher = this.options.fetch ?? fetch;
      const res = await fetcher(uri, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      const parsed = JSON.parse(text) as { keys?: unknown };
      if (!Array.isArray(parsed.keys)) throw new Error('not a JWKS document (no "keys")');
      const doc = JSON.stringify(parsed);
      if (this.docs.get(uri) !== doc && this.timers.has(uri)) {
        this.docs.set(uri, doc);
        this.options.onChange();
      }
    } catch (err) {
      this.options.log?.(
        `jwks: ${uri}: ${(err as Error).message}${this.docs.has(uri) ? ' (keeping the last keys)' : ''}`,
      );
    } finally {
      this.inFlight.delete(uri);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
  }
}
