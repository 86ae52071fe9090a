/**
 * One resource kind kept in memory from the API server, the way client-go's reflector does it: list
 * (paged), then watch from the list's resourceVersion with bookmarks; a watch that ends normally is
 * reopened from the last resourceVersion seen (events and bookmarks both advance it); a dropped
 * connection is retried with exponential backoff from there; `410 Gone` (as the watch's HTTP status
 * or as an ERROR event) means that version is too old, so the informer lists again and turns the
 * difference into changes. A kind that is not installed (404, e.g. Istio CRDs absent) counts as
 * empty and is listed again later.
 */
import { KubeApiError } from './kube-api-error.ts';
import type { KubeClient, WatchEvent } from './kube-client.ts';

export type KubeObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
};

export interface InformerOptions {
  client: KubeClient;
  /** Collection path, e.g. `/api/v1/services`. */
  path: string;
  /** `kind` and `apiVersion` to stamp on listed items (list items carry neither). */
  kind: string;
  apiVersion: string;
  /** Called (synchronously) after the store changed. */
  onChange?: () => void;
  log?: (line: string) => void;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Ask the server to end each watch after this long (it is then reopened). Default 300. */
  watchTimeoutSeconds?: number;
  /** How soon to list a kind again that the server does not have. Default 30 s. */
  notInstalledRetryMs?: number;
  pageSize?: number;
}

export interface InformerStats {
  lists: number;
  watches: number;
  events: number;
  bookmarks: number;
  gone: number;
  reconnects: number;
}

export function objectKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export class Informer {
  readonly store = new Map<string, KubeObject>();
  readonly stats: InformerStats = { lists: 0, watches: 0, events: 0, bookmarks: 0, gone: 0, reconnects: 0 };
  resourceVersion = '';
  /** The server has no such kind (last list answered 404). */
  notInstalled = false;
  private readonly o: InformerOptions;
  private stopped = false;
  private failures = 0;
  private sleeper: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private watchHandle: { abort(): void } | undefined;
  private synced!: () => void;
  private readonly syncedPromise = new Promise<void>((resolve) => (this.synced = resolve));
  private running: Promise<void> | undefined;

  constructor(options: InformerOptions) {
    this.o = options;
  }

  get kind(): string {
    return this.o.kind;
  }

  /** Starts list/watch; resolves once the first list is in (or the kind is known to be absent). */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.syncedPromise;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watchHandle?.abort();
    this.sleeper?.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.list();
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) {
          this.notInstalled = true;
          this.replace([]);
          this.synced();
          await this.sleep(this.o.notInstalledRetryMs ?? 30_000);
        } else {
          this.log(`list ${this.o.path}: ${(err as Error).message}`);
          await this.backoff();
        }
        continue;
      }
      this.failures = 0;
      this.synced();
      await this.watchUntilGone();
    }
  }

  private async list(): Promise<void> {
    const items: KubeObject[] = [];
    let cont = '';
    let rv = '';
    do {
      const q = new URLSearchParams({ limit: String(this.o.pageSize ?? 500) });
      if (cont) q.set('continue', cont);
      const page = await this.o.client.request<{
        items?: KubeObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>('GET', `${this.o.path}?${q}`);
      items.push(...(page.items ?? []));
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue ?? '';
    } while (cont !== '' && !this.stopped);
    this.stats.lists++;
    this.notInstalled = false;
    this.resourceVersion = rv;
    this.replace(items.map((i) => this.stamp(i)));
  }

  /** Watches, reopening as needed, until the resourceVersion is gone (then the caller lists again). */
  private async watchUntilGone(): Promise<void> {
    while (!this.stopped) {
      let gone = false;
      const q = new URLSearchParams({
        watch: 'true',
        allowWatchBookmarks: 'true',
        resourceVersion: this.resourceVersion,
        timeoutSeconds: String(this.o.watchTimeoutSeconds ?? 300),
      });
      const handle = this.o.client.watch(`${this.o.path}?${q}`, (e) => {
        if (this.apply(e) === 'gone') {
          gone = true;
          handle.abort();
        }
      });
      this.watchHandle = handle;
      this.stats.watches++;
      try {
        await handle.done;
        this.failures = 0;
      } catch (err) {
        if (err instanceof KubeApiError && err.gone) gone = true;
        else {
          this.stats.reconnects++;
          this.log(`watch ${this.o.path}: ${(err as Error).message}; reconnecting`);
          await this.backoff();
        }
      }
      if (gone) {
        this.stats.gone++;
        this.log(`watch ${this.o.path}: resourceVersion ${this.resourceVersion} is gone; listing again`);
        return;
      }
    }
  }

  private apply(e: WatchEvent): 'gone' | undefined {
    const obj = e.object as KubeObject;
    if (e.type === 'ERROR') {
      const status = obj as { code?: number; reason?: string; message?: string };
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') return 'gone';
      throw new KubeApiError(
        'TANDEM_ERR_KUBE_WATCH',
        `watch error: ${status.message ?? JSON.stringify(obj)}`,
      );
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') {
      this.stats.bookmarks++;
      return undefined;
    }
    this.stats.events++;
    const key = objectKey(obj);
    if (e.type === 'DELETED') this.store.delete(key);
    else this.store.set(key, this.stamp(obj));
    this.o.onChange?.();
    return undefined;
  }

  /** Replaces the store with a fresh list; calls onChange if anything differs. */
  private replace(items: KubeObject[]): void {
    let changed = items.length !== this.store.size;
    const next = new Map<string, KubeObject>();
    for (const item of items) {
      const key = objectKey(item);
      const old = this.store.get(key);
      if (old === undefined || old.metadata?.resourceVersion !== item.metadata?.resourceVersion)
        changed = true;
      next.set(key, item);
    }
    this.store.clear();
    for (const [k, v] of next) this.store.set(k, v);
    if (changed) this.o.onChange?.();
  }

  private stamp(o: KubeObject): KubeObject {
    return o.kind === undefined ? { apiVersion: this.o.apiVersion, kind: this.o.kind, ...o } : o;
  }

  private async backoff(): Promise<void> {
    const initial = this.o.backoffInitialMs ?? 500;
    const delay = Math.min(this.o.backoffMaxMs ?? 30_000, initial * 2 ** this.failures);
    this.failures++;
    await this.sleep(delay * (0.75 + Math.random() / 4));
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeper = { timer, wake };
    });
  }

  private log(line: string): void {
    if (!this.stopped) this.o.log?.(`informer ${this.o.kind}: ${line}`);
  }
}
