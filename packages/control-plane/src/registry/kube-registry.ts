/**
 * The Kubernetes service registry and config source: informers on Services, EndpointSlices, Pods
 * and Namespaces, and on the Istio kinds Tandem supports. Every object is validated at this edge
 * with the same validators as config files (an invalid one is logged and left out, never applied);
 * Services with their EndpointSlices become MeshServices the same way local manifests do, then each
 * endpoint gets its pod's labels and service account (what subsets and identities need).
 */
import { type IstioObject, validateIstioObject } from '@tandem/api';
import type { ConfigSource } from '../config/config-source.ts';
import { Informer, type InformerOptions, type KubeObject } from '../kube/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { IstioResources, type KubeResource, KubeResources } from '../kube/kube-resources.ts';
import type { MeshEndpoint, MeshService } from '../model/mesh-service.ts';
import type { ServiceRegistry } from './service-registry.ts';
import { servicesFromConfig } from './services-from-config.ts';

export interface KubeRegistryOptions {
  client: KubeClient;
  /** Also read the Istio kinds (default true). */
  istioConfig?: boolean;
  log?: (line: string) => void;
  /** Passed to every informer (backoff, watch timeout), mostly for tests. */
  informer?: Partial<
    Pick<InformerOptions, 'backoffInitialMs' | 'backoffMaxMs' | 'watchTimeoutSeconds' | 'notInstalledRetryMs'>
  >;
}

interface Validated {
  resourceVersion: string;
  object: IstioObject | undefined;
}

export class KubeRegistry implements ServiceRegistry, ConfigSource {
  readonly name = 'kubernetes';
  readonly informers: Record<'services' | 'endpointSlices' | 'pods' | 'namespaces', Informer>;
  readonly istio: Informer[];
  private readonly options: KubeRegistryOptions;
  private readonly listeners = new Set<() => void>();
  private readonly validated = new Map<string, Validated>();
  private cachedServices: MeshService[] | undefined;
  private cachedObjects: IstioObject[] | undefined;
  private notifyScheduled = false;

  constructor(options: KubeRegistryOptions) {
    this.options = options;
    const make = (r: KubeResource) =>
      new Informer({
        ...options.informer,
        client: options.client,
        path: r.path,
        kind: r.kind,
        apiVersion: r.apiVersion,
        log: options.log,
        onChange: () => this.changed(),
      });
    this.informers = {
      services: make(KubeResources.services),
      endpointSlices: make(KubeResources.endpointSlices),
      pods: make(KubeResources.pods),
      namespaces: make(KubeResources.namespaces),
    };
    this.istio = options.istioConfig === false ? [] : IstioResources.map(make);
  }

  /** Starts every informer; resolves when each has its first list. */
  async start(): Promise<void> {
    await Promise.all([...Object.values(this.informers), ...this.istio].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...Object.values(this.informers), ...this.istio].map((i) => i.stop()));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  services(): readonly MeshService[] {
    this.cachedServices ??= this.buildServices();
    return this.cachedServices;
  }

  objects(): readonly IstioObject[] {
    this.cachedObjects ??= this.istio.flatMap((i) => this.validAll(i));
    return this.cachedObjects;
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    const ns = this.informers.namespaces.store.get(`/${namespace}`);
    return ns === undefined ? undefined : ((ns.metadata?.labels as Record<string, string> | undefined) ?? {});
  }

  /** Changes arriving together (one list, several events in one read) notify once. */
  private changed(): void {
    this.cachedServices = undefined;
    this.cachedObjects = undefined;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const l of this.listeners) l();
    });
  }

  private buildServices(): MeshService[] {
    const objects = [
      ...this.validAll(this.informers.services),
      ...this.validAll(this.informers.endpointSlices),
    ];
    const pods = this.podsByIp();
    return servicesFromConfig(objects).map((s) => ({
      ...s,
      endpoints: s.endpoints.map((e) => withPod(e, pods.get(e.address))),
    }));
  }

  private podsByIp(): Map<string, KubeObject> {
    const out = new Map<string, KubeObject>();
    for (const pod of this.informers.pods.store.values()) {
      const status = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
      if (status.phase === 'Succeeded' || status.phase === 'Failed') continue;
      const spec = (pod.spec ?? {}) as { hostNetwork?: boolean };
      if (spec.hostNetwork) continue;
      for (const ip of [status.podIP, ...(status.podIPs ?? []).map((p) => p.ip)]) if (ip) out.set(ip, pod);
    }
    return out;
  }

  private validAll(informer: Informer): IstioObject[] {
    const out: IstioObject[] = [];
    const seen = new Set<string>();
    for (const [key, raw] of informer.store) {
      const k = `${raw.kind}:${key}`;
      seen.add(k);
      const v = this.validate(k, raw);
      if (v !== undefined) out.push(v);
    }
    const prefix = `${informer.kind}:`;
    for (const k of this.validated.keys()) if (k.startsWith(prefix) && !seen.has(k)) this.validated.delete(k);
    return out;
  }

  /** Validates each object version once. */
  private validate(key: string, raw: KubeObject): IstioObject | undefined {
    const rv = raw.metadata?.resourceVersion ?? '';
    const cached = this.validated.get(key);
    if (cached !== undefined && cached.resourceVersion === rv && rv !== '') return cached.object;
    const r = validateIstioObject(raw, 'kube');
    if (!r.ok)
      for (const e of r.errors) this.options.log?.(`rejected ${raw.kind} ${key.split(':')[1]}: ${e.message}`);
    const object = r.ok ? r.object : undefined;
    this.validated.set(key, { resourceVersion: rv, object });
    return object;
  }
}

function withPod(e: MeshEndpoint, pod: KubeObject | undefined): MeshEndpoint {
  if (pod === undefined) return e;
  const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string };
  return { ...e, labels: { ...labels }, serviceAccount: spec.serviceAccountName || 'default' };
}
