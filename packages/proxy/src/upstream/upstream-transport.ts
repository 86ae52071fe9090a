/**
 * How a cluster's connections are secured: its transport socket, and per-endpoint transport socket matches
 * (auto mTLS: endpoints whose metadata says they have a sidecar get mTLS, the others plaintext). Each TLS
 * context follows its SDS secrets (see DynamicTls), so certificate renewal and trust bundle rotation reach
 * new connections at once while established ones keep theirs.
 */
import type tls from 'node:tls';
import type { Cluster, UpstreamTlsContext } from '@tandem/api/envoy';
import { buildClientTlsOptions, type ClientTlsOptions } from '../tls/client-tls-options.ts';
import { DynamicTls } from '../tls/dynamic-tls.ts';
import type { SecretStore } from '../tls/secret-store.ts';
import type { Host } from './host.ts';

/** A TLS context a connection needs is not ready (its SDS secrets have not arrived). */
export const TLS_NOT_READY = 'tls-not-ready';

export interface UpstreamTransport {
  /** Options for tls.connect to `host`; undefined for plaintext. */
  connectOptions(host: Host): tls.ConnectionOptions | undefined | typeof TLS_NOT_READY;
  /** The cluster's default transport is TLS (the `:scheme` it sends is https). */
  readonly defaultTls: boolean;
  readonly ready: boolean;
  whenReady(): Promise<void>;
  /** Every TLS context, for /certs and tests. */
  contexts(): DynamicTls<ClientTlsOptions>[];
  close(): void;
}

interface MatchEntry {
  readonly match: readonly [string, string][];
  readonly tls: DynamicTls<ClientTlsOptions> | undefined;
}

/** undefined when the cluster is plaintext to every endpoint. Throws TlsConfigError for bad static TLS. */
export function buildUpstreamTransport(
  cluster: Cluster,
  store: SecretStore,
  log?: (line: string) => void,
): UpstreamTransport | undefined {
  const matches = cluster.transportSocketMatches ?? [];
  if (cluster.transportSocket === undefined && matches.every((m) => m.transportSocket === undefined))
    return undefined;
  const dynamic = (ctx: UpstreamTlsContext, what: string) => {
    const target = `cluster "${cluster.name}"${what}`;
    return new DynamicTls<ClientTlsOptions>({
      store,
      common: ctx.commonTlsContext,
      target,
      log,
      build: () => buildClientTlsOptions(ctx, store.lookup, { target }),
    });
  };
  const fallback = cluster.transportSocket && dynamic(cluster.transportSocket, '');
  const entries: MatchEntry[] = matches.map((m) => ({
    match: Object.entries(m.match),
    tls: m.transportSocket && dynamic(m.transportSocket, ` transport socket match "${m.name}"`),
  }));
  const all = [fallback, ...entries.map((e) => e.tls)].filter((t) => t !== undefined);
  const pick = (host: Host): DynamicTls<ClientTlsOptions> | undefined => {
    const md = host.transportSocketMatch;
    if (md !== undefined) for (const e of entries) if (e.match.every(([k, v]) => md[k] === v)) return e.tls;
    return fallback;
  };
  return {
    defaultTls: fallback !== undefined,
    connectOptions: (host) => {
      const chosen = pick(host);
      if (chosen === undefined) return undefined;
      return chosen.current ?? TLS_NOT_READY;
    },
    get ready() {
      return all.every((t) => t.ready);
    },
    whenReady: () => Promise.all(all.map((t) => t.whenReady())).then(() => undefined),
    contexts: () => all,
    close: () => {
      for (const t of all) t.close();
    },
  };
}
