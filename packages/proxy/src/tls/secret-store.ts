/**
 * Every secret the proxy knows, by name: the bootstrap's static secrets, the ones SDS delivers over ADS
 * (the trust bundle `ROOTCA`), and the ones a local provider owns (the workload certificate `default`, whose
 * key never leaves the process). TLS contexts that name a secret watch it and are rebuilt when it changes.
 */
import type { Secret } from '@tandem/api/envoy';
import type { SecretLookup } from './secret-resolution.ts';

export type SecretOrigin = 'static' | 'sds' | 'local';

export interface StoredSecret {
  readonly secret: Secret;
  readonly origin: SecretOrigin;
  /** SDS version_info, or the local provider's label (e.g. the certificate serial). */
  readonly version: string;
  readonly updatedMs: number;
}

export type SecretListener = (name: string) => void;

export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly localNames = new Set<string>();
  private readonly listeners = new Map<string, Set<SecretListener>>();

  constructor(statics: readonly Secret[] = []) {
    for (const s of statics)
      this.secrets.set(s.name, { secret: s, origin: 'static', version: '', updatedMs: Date.now() });
  }

  /** The lookup TLS builders use. */
  readonly lookup: SecretLookup = (name) => this.secrets.get(name)?.secret;

  get(name: string): StoredSecret | undefined {
    return this.secrets.get(name);
  }

  /** A local provider owns `name`: SDS never asks the control plane for it. */
  claimLocal(name: string): void {
    this.localNames.add(name);
  }

  isLocal(name: string): boolean {
    return this.localNames.has(name) || this.secrets.get(name)?.origin === 'static';
  }

  /** Adds or replaces a secret and tells whoever watches its name. */
  set(secret: Secret, origin: SecretOrigin, version: string): void {
    this.secrets.set(secret.name, { secret, origin, version, updatedMs: Date.now() });
    this.notify(secret.name);
  }

  /** Forgets an SDS secret no longer used (contexts built from it keep their copy). */
  delete(name: string): void {
    if (this.secrets.get(name)?.origin === 'sds') this.secrets.delete(name);
  }

  /** Calls `listener(name)` whenever one of `names` changes; returns the function that stops it. */
  watch(names: readonly string[], listener: SecretListener): () => void {
    for (const n of names) {
      let set = this.listeners.get(n);
      if (set === undefined) this.listeners.set(n, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const n of names) this.listeners.get(n)?.delete(listener);
    };
  }

  /** Names some TLS context watches: what SDS must fetch (minus local and static ones). */
  watchedNames(): string[] {
    return [...this.listeners].filter(([, l]) => l.size > 0).map(([n]) => n);
  }

  all(): [string, StoredSecret][] {
    return [...this.secrets];
  }

  private notify(name: string): void {
    for (const l of [...(this.listeners.get(name) ?? [])]) l(name);
  }
}
