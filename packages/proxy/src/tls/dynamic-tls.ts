/**
 * A TLS context (server options of a filter chain, client options of a cluster) that follows the secrets it
 * names. Built when every named secret is present; rebuilt and swapped by one reference assignment whenever
 * one of them changes (certificate renewal, trust bundle rotation). Connections already established keep the
 * context they were made with, so a swap drops no connection and fails no handshake. Until the first build
 * succeeds the context is not ready, and its owner warms (Envoy waits for SDS secrets the same way).
 */
import type { CommonTlsContext } from '@tandem/api/envoy';
import type { SecretStore } from './secret-store.ts';

export interface DynamicTlsOptions<T> {
  readonly store: SecretStore;
  readonly common: CommonTlsContext;
  /** Builds the options from the store's current secrets; throws TlsConfigError. */
  readonly build: () => T;
  /** Called after each swap (e.g. to update a tls.Server's default context). */
  readonly onSwap?: (next: T) => void;
  readonly log?: (line: string) => void;
  /** Names the owner in log lines. */
  readonly target: string;
}

export class DynamicTls<T> {
  /** The options new connections use; undefined until the secrets are there. */
  current: T | undefined;
  /** How many times the context was rebuilt after the first build. */
  swaps = 0;
  readonly secretNames: readonly string[];
  private readonly options: DynamicTlsOptions<T>;
  private readonly unwatch: () => void;
  private readonly waiters: (() => void)[] = [];

  constructor(options: DynamicTlsOptions<T>) {
    this.options = options;
    const { common } = options;
    const names = [...common.tlsCertificateSdsSecretConfigs];
    if (common.validationContextSdsSecretConfig !== undefined)
      names.push(common.validationContextSdsSecretConfig);
    this.secretNames = names;
    this.unwatch = options.store.watch(names, () => this.rebuild());
    if (this.missing().length === 0) this.current = options.build();
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  /** Secrets named but not (yet) in the store. */
  missing(): string[] {
    return this.secretNames.filter((n) => this.options.store.lookup(n) === undefined);
  }

  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.unwatch();
  }

  private rebuild(): void {
    if (this.missing().length > 0) return;
    let next: T;
    try {
      next = this.options.build();
    } catch (err) {
      this.options.log?.(`${this.options.target}: TLS context not updated: ${(err as Error).message}`);
      return;
    }
    const first = this.current === undefined;
    this.current = next;
    if (!first) this.swaps++;
    this.options.onSwap?.(next);
    if (first) for (const w of this.waiters.splice(0)) w();
  }
}
