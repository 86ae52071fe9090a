/**
 * The control plane assembled: config directory -> store (validated, last good kept) -> registry
 * -> immutable MeshSnapshot -> per-proxy translation -> snapshot cache -> ADS. Changes are
 * debounced. Proxies with equal translation inputs (`translationInputs`: what translation reads of a
 * proxy) share one translation and one snapshot; a translation is kept until the mesh changes, so a
 * proxy that connects between changes is served from it. Each push translates once per group,
 * encodes only resources that are new (`ResourceCache`), and keeps a group's previous snapshot when
 * its content did not change, so that proxies a change cannot affect are not even looked at by the
 * ADS server.
 */
import { createHash } from 'node:crypto';
import { TypeUrls } from '@tandem/xds-proto';
import { CaSecurity, type CaSecurityOptions } from './ca/ca-security.ts';
import { readConfigDir, watchConfigDir } from './config/config-dir.ts';
import type { ConfigSource } from './config/config-source.ts';
import { ConfigStore, type FileParser } from './config/config-store.ts';
import type { MeshConfig } from './config/mesh-config.ts';
import { ParseMemo } from './config/parse-memo.ts';
import { ControlPlaneMetrics } from './debug/metrics.ts';
import { buildMeshSnapshot, type MeshSnapshot, NO_SECURITY } from './model/mesh-snapshot.ts';
import { type ProxyInfo, parseProxyInfo } from './proxy/proxy-info.ts';
import type { ServiceRegistry } from './registry/service-registry.ts';
import { servicesFromConfig } from './registry/services-from-config.ts';
import {
  parseRegistration,
  registrationObjects,
  type WorkloadRegistration,
} from './registry/workload-registrations.ts';
import { JwksResolver } from './security/jwks-resolver.ts';
import { rootSecret } from './translate/mtls-transport.ts';
import { translate } from './translate/translate.ts';
import { translationInputs } from './translate/translation-key.ts';
import type { XdsResources } from './translate/xds-resources.ts';
import {
  AdsServer,
  buildSnapshot,
  Debouncer,
  ResourceCache,
  type Snapshot,
  SnapshotCache,
  type XdsNode,
} from './xds/index.ts';

export interface ControlPlaneOptions {
  /** Directory of Istio / Kubernetes YAML (optional when other sources are given). */
  configDir?: string;
  /** More directories read and watched the same way (`tandem up --config-dir`). */
  extraConfigDirs?: readonly string[];
  /** Which files under the directories are config (default: every .yaml, .yml and .json). */
  include?: (file: string) => boolean;
  parse?: FileParser;
  /** Further service registries (the Kubernetes API). */
  registries?: readonly ServiceRegistry[];
  /** Further sources of Istio config (Kubernetes custom resources). */
  configSources?: readonly ConfigSource[];
  /** Debounce: quiet period and cap, ms (Istio: 100 ms and 10 s; Tandem caps at 1 s). */
  debounceQuietMs?: number;
  debounceMaxMs?: number;
  /** Watch the directory for changes (default true). */
  watch?: boolean;
  log?: (line: string) => void;
  /** Mesh-wide settings (access logs, tracing); Istio's defaults when absent. */
  meshConfig?: MeshConfig;
  /**
   * Security: a CA (self-signed root generated in `caDir`, or Istio cacerts there) signs workload
   * certificates over the xDS port, and sidecars get mTLS (auto mTLS, PeerAuthentication) and the trust
   * bundle as the SDS secret ROOTCA. Without it, no CA runs and sidecars talk plaintext.
   */
  security?: CaSecurityOptions;
}

export interface ConnectedProxy {
  key: string;
  info: ProxyInfo;
  node: XdsNode;
  connectedAt: number;
  /** Istio fields this proxy's config could not express, from its last translation. */
  notes: readonly string[];
  resources: XdsResources | undefined;
}

/** One translation, shared by every proxy with its translation key, for one mesh snapshot. */
interface Translation {
  readonly mesh: MeshSnapshot;
  readonly snapshot: Snapshot;
  readonly resources: XdsResources;
}

export class ControlPlane {
  readonly store = new ConfigStore();
  readonly cache = new SnapshotCache();
  readonly metrics = new ControlPlaneMetrics();
  readonly ads: AdsServer;
  /** The CA and its caller authentication, when security is on (after start). */
  readonly security: CaSecurity | undefined;
  private readonly options: ControlPlaneOptions;
  private readonly proxies = new Map<string, ConnectedProxy>();
  /** Workloads registered by their sidecars (TANDEM_WORKLOAD), by proxy key. */
  private readonly registrations = new Map<string, WorkloadRegistration>();
  private meshGeneration = 0;
  private readonly debouncer: Debouncer<number>;
  private readonly parseMemo: ParseMemo | undefined;
  private readonly resourceCache = new ResourceCache();
  /** Translations by translation key, for `translations.mesh` only. */
  private translations = new Map<string, Translation>();
  /** The reload running (or the last one), and the one waiting to start after it. */
  private reloading: Promise<void> = Promise.resolve();
  private queuedReload: Promise<void> | undefined;
  /** Keys of RequestAuthentication jwksUris, fetched here and inlined into the proxies' config. */
  readonly jwks: JwksResolver;
  private mesh: MeshSnapshot = buildMeshSnapshot('0', [], []);
  private stopWatching: (() => void) | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private jwksVersion = '';
  private loaded = false;
  private seenRejections = new Set<string>();

  constructor(options: ControlPlaneOptions) {
    this.options = options;
    this.parseMemo = options.parse === undefined ? undefined : new ParseMemo(options.parse);
    const log = (line: string): void => this.log(line);
    this.security = options.security === undefined ? undefined : new CaSecurity(options.security, log);
    this.jwks = new JwksResolver({
      log,
      onChange: () => {
        this.rebuildMesh();
        if (this.loaded) this.debouncer.push(Date.now());
      },
    });
    this.ads = new AdsServer({
      cache: this.cache,
      onConnect: (node) => this.onConnect(node),
      onDisconnect: (_node, key) => this.onDisconnect(key),
      observer: this.metrics.adsObserver,
      services: this.security === undefined ? [] : [(server) => this.security!.addTo(server)],
    });
    this.debouncer = new Debouncer<number>({
      quietMs: options.debounceQuietMs ?? 100,
      maxDelayMs: options.debounceMaxMs ?? 1000,
      merge: (a) => a,
      flush: (since) => this.pushAll(since),
      onError: (err) => this.log(`push failed: ${(err as Error).message}`),
    });
  }

  /** Loads the config directory, then starts watching it and the other sources. */
  async start(): Promise<void> {
    await this.security?.start();
    const security = this.security;
    if (security !== undefined)
      this.metrics.bindCa({ issued: () => security.issued, rootExpiryMs: () => security.rootExpiryMs() });
    this.security?.onRootsChanged(() => {
      this.rebuildMesh();
      this.debouncer.push(Date.now());
    });
    await this.reload();
    this.loaded = true;
    if (this.options.watch !== false) {
      const stops = this.configDirs().map((dir) =>
        watchConfigDir(dir, () => void this.reload().catch((e) => this.log(String(e)))),
      );
      this.stopWatching = () => {
        for (const stop of stops) stop();
      };
    }
    // One subscription per source, also when a source is both a registry and a config source.
    for (const source of new Set([
      ...(this.options.registries ?? []),
      ...(this.options.configSources ?? []),
    ])) {
      this.unsubscribe.push(
        source.onChange(() => {
          this.rebuildMesh();
          this.debouncer.push(Date.now());
        }),
      );
    }
  }

  private configDirs(): string[] {
    const { configDir, extraConfigDirs = [] } = this.options;
    return configDir === undefined ? [...extraConfigDirs] : [configDir, ...extraConfigDirs];
  }

  get ready(): boolean {
    return this.loaded;
  }

  get meshSnapshot(): MeshSnapshot {
    return this.mesh;
  }

  connectedProxies(): ConnectedProxy[] {
    return [...this.proxies.values()];
  }

  /**
   * Re-reads the directory; a change of the applied set schedules a push. Reloads run one at a
   * time (two interleaved ones could apply an older read last); calls made while one runs share the
   * next one, which starts after it and so sees their changes.
   */
  reload(): Promise<void> {
    if (this.queuedReload !== undefined) return this.queuedReload;
    const next = this.reloading.then(() => {
      this.queuedReload = undefined;
      return this.reloadOnce();
    });
    this.queuedReload = next;
    this.reloading = next.catch(() => {});
    return next;
  }

  private async reloadOnce(): Promise<void> {
    const { include } = this.options;
    const files = [];
    const memo = this.parseMemo;
    if (memo !== undefined) {
      for (const dir of this.configDirs()) files.push(...(await readConfigDir(dir, memo, include)));
      memo.prune();
    }
    const changed = this.store.apply(files);
    for (const r of this.store.currentRejections()) {
      for (const issue of r.issues)
        this.log(
          `rejected ${r.key ?? r.file}: ${issue.path}: ${issue.message}${r.keptPrevious ? ' (previous version kept)' : ''}`,
        );
    }
    this.countNewRejections();
    this.metrics.configRejections.set(this.store.currentRejections().length);
    if (changed || !this.loaded) {
      this.rebuildMesh();
      if (this.loaded) this.debouncer.push(Date.now());
      else await this.pushAll(Date.now());
    }
  }

  async stop(): Promise<void> {
    this.stopWatching?.();
    for (const u of this.unsubscribe.splice(0)) u();
    this.jwks.close();
    this.debouncer.close();
    await this.ads.close();
  }

  // ------------------------------------------------------------ internals

  /** galley_validation_failed counts each rejection once, not on every reload that still has it. */
  private countNewRejections(): void {
    const now = new Set<string>();
    for (const r of this.store.currentRejections()) {
      const key = `${r.key ?? r.file}\n${r.issues.map((i) => i.message).join('\n')}`;
      now.add(key);
      if (!this.seenRejections.has(key))
        this.metrics.validationFailed.inc({ kind: (r.key ?? 'unknown').split('/')[0] ?? 'unknown' });
    }
    this.seenRejections = now;
  }

  private rebuildMesh(): void {
    const declared = [
      ...this.store.list(),
      ...(this.options.configSources ?? []).flatMap((c) => c.objects()),
    ];
    const registered = registrationObjects(this.registrations, declared);
    for (const r of registered.rejected)
      for (const issue of r.issues) this.log(`registration ${r.key} refused: ${issue.message}`);
    const objects = [...declared, ...registered.objects];
    const services = [
      ...servicesFromConfig(objects),
      ...(this.options.registries ?? []).flatMap((r) => r.services()),
    ];
    const uris = new Set<string>();
    for (const o of objects)
      if (o.kind === 'RequestAuthentication')
        for (const r of o.spec.jwtRules)
          if (typeof r.jwksUri === 'string' && r.jwksUri && !r.jwks) uris.add(r.jwksUri);
    this.jwks.track(uris);
    const jwks = this.jwks.snapshot();
    this.jwksVersion = jwksKey(jwks);
    this.mesh = buildMeshSnapshot(
      `${++this.meshGeneration}.${this.security?.rootsVersion ?? 0}.${this.jwksVersion}`,
      objects,
      services,
      this.options.meshConfig,
      { ...(this.security?.meshSecurity() ?? NO_SECURITY), jwks },
    );
    this.metrics.services.set(this.mesh.services.size);
    this.metrics.virtualServices.set(this.mesh.virtualServices.length);
  }

  private onConnect(node: XdsNode): string {
    const info = parseProxyInfo(node);
    const key = info.id === '' ? `anonymous-${this.proxies.size}` : info.id;
    const proxy: ConnectedProxy = {
      key,
      info,
      node,
      connectedAt: Date.now(),
      notes: [],
      resources: undefined,
    };
    this.proxies.set(key, proxy);
    this.metrics.connectedProxies.set(this.proxies.size);
    if (this.register(key, info)) {
      this.rebuildMesh();
      this.debouncer.push(Date.now());
    }
    this.pushTo(proxy);
    return key;
  }

  /** Records a proxy's TANDEM_WORKLOAD registration; true when the mesh changed. */
  private register(key: string, info: ProxyInfo): boolean {
    const parsed = parseRegistration(info);
    if (parsed.kind === 'invalid') this.log(`proxy ${key}: not registered: ${parsed.reason}`);
    if (parsed.kind !== 'ok') return this.registrations.delete(key);
    this.registrations.set(key, parsed.registration);
    this.log(
      `registered ${parsed.registration.namespace}/${parsed.registration.name} (service ${parsed.registration.service}) from proxy ${key}`,
    );
    return true;
  }

  private onDisconnect(key: string): void {
    this.proxies.delete(key);
    if (this.registrations.delete(key)) {
      this.log(`proxy ${key} disconnected; its workload left the mesh`);
      this.rebuildMesh();
      this.debouncer.push(Date.now());
    }
    this.cache.clearSnapshot(key);
    this.metrics.connectedProxies.set(this.proxies.size);
  }

  /**
   * Translates once per group of proxies with equal inputs and publishes each proxy's snapshot, in
   * one go: yielding to I/O between groups was measured to delay the last groups (the ACKs of the
   * first ones are read in between) by more than it gains.
   */
  private pushAll(since: number): void {
    const started = performance.now();
    this.resourceCache.rotate();
    const used = new Set<string>();
    for (const proxy of this.proxies.values()) {
      const changed = this.pushTo(proxy, used);
      if (changed) this.metrics.convergence.observe((Date.now() - since) / 1000);
    }
    for (const key of this.translations.keys()) if (!used.has(key)) this.translations.delete(key);
    this.metrics.translations.set(this.translations.size);
    const seconds = (performance.now() - started) / 1000;
    this.metrics.pushTime.observe({ type: 'all' }, seconds);
  }

  /** Publishes a proxy's snapshot (translating when its group has none for this mesh); says whether it changed. */
  private pushTo(proxy: ConnectedProxy, used?: Set<string>): boolean {
    const inputs = translationInputs(this.mesh, proxy.info);
    used?.add(inputs.key);
    const translation = this.translationFor(inputs.key, inputs.proxy);
    proxy.notes = translation.resources.notes;
    proxy.resources = translation.resources;
    const changed = this.cache.getSnapshot(proxy.key) !== translation.snapshot;
    this.cache.setSnapshot(proxy.key, translation.snapshot);
    this.metrics.proxySnapshots.inc();
    return changed;
  }

  /** The translation for `key` in the current mesh, translated for `proxy` (reduced to its inputs) if new. */
  private translationFor(key: string, proxy: ProxyInfo): Translation {
    const known = this.translations.get(key);
    if (known?.mesh === this.mesh) return known;
    const began = performance.now();
    const resources = translate(this.mesh, proxy);
    const translated = performance.now();
    const roots = this.security?.rootsPem;
    const secrets = roots !== undefined && proxy.kind !== 'grpc' ? [rootSecret(roots)] : [];
    let snapshot = buildSnapshot(
      this.mesh.version,
      {
        [TypeUrls.secret]: secrets,
        [TypeUrls.listener]: [...resources.listeners.values()],
        [TypeUrls.routeConfiguration]: [...resources.routes.values()],
        [TypeUrls.cluster]: [...resources.clusters.values()],
        [TypeUrls.clusterLoadAssignment]: [...resources.endpoints.values()],
      },
      this.resourceCache,
      known?.snapshot,
    );
    this.metrics.buildTime.observe({ stage: 'translate' }, (translated - began) / 1000);
    this.metrics.buildTime.observe({ stage: 'snapshot' }, (performance.now() - translated) / 1000);
    // Same content as before: keep the old snapshot, so the cache has nothing to tell its watchers.
    if (known !== undefined && sameContent(known.snapshot, snapshot)) snapshot = known.snapshot;
    const translation: Translation = { mesh: this.mesh, snapshot, resources };
    this.translations.set(key, translation);
    this.metrics.translations.set(this.translations.size);
    return translation;
  }

  private log(line: string): void {
    (this.options.log ?? ((s: string) => process.stderr.write(`${s}\n`)))(line);
  }
}

function jwksKey(jwks: ReadonlyMap<string, string>): string {
  if (jwks.size === 0) return '0';
  const hash = createHash('sha1');
  for (const [uri, doc] of [...jwks].sort()) hash.update(uri).update('\0').update(doc);
  return hash.digest('hex').slice(0, 8);
}

/** Whether two snapshots hold the same resources (their per-type versions are content hashes). */
function sameContent(a: Snapshot, b: Snapshot): boolean {
  if (a.typeVersions.size !== b.typeVersions.size) return false;
  for (const [typeUrl, version] of a.typeVersions) if (b.typeVersions.get(typeUrl) !== version) return false;
  return true;
}
