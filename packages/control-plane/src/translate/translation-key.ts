/**
 * What `translate(snapshot, proxy)` reads of the proxy, in one place. `translationInputs` gives:
 * - `proxy`: the proxy reduced to those inputs (every other field blank), which is what the control
 *   plane translates for. A field translation starts to read without being listed here is blank for
 *   every proxy: the feature does not work, visibly, rather than one proxy getting another's config.
 * - `key`: the inputs as a string. Proxies with equal keys get identical resources from the same
 *   snapshot, so they share one translation (and one snapshot in the cache).
 *
 * Labels are read only through selectors (Sidecar, Gateway, PeerAuthentication, AuthorizationPolicy,
 * RequestAuthentication, EnvoyFilter, Telemetry, VirtualService `sourceLabels`): the key holds which of
 * the snapshot's selectors match, not the labels, so the replicas and versions of a workload share a
 * translation unless some selector tells them apart. Addresses are read by proxyless gRPC (listener
 * names) and by a registered workload's inbound listener (its bind address); transparent sidecars read
 * them only to find the ports they serve, so the key holds those ports.
 *
 * Keep this in step with translation (STYLE rule 6): translation-key.test.ts checks, over a varied set
 * of meshes and proxies, that the reduced proxy translates like the proxy itself and that equal keys
 * give equal resources.
 */
import type { IstioObject } from '@tandem/api/istio';
import { labelsMatch, type MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { WORKLOAD_METADATA } from '../registry/workload-registrations.ts';
import { GATEWAY_LISTEN_METADATA } from './gateway-listeners.ts';
import { HTTP_PROXY_PORT_METADATA, OUTBOUND_LISTENERS_METADATA } from './sidecar-listeners.ts';
import { servedInboundPorts } from './transparent-listeners.ts';
import { visibilityOf } from './visibility.ts';

/** The node metadata translation reads; every other entry is left out of the reduced proxy. */
export const TRANSLATED_METADATA: readonly string[] = [
  OUTBOUND_LISTENERS_METADATA,
  HTTP_PROXY_PORT_METADATA,
  GATEWAY_LISTEN_METADATA,
  WORKLOAD_METADATA,
];

export interface TranslationInputs {
  readonly key: string;
  /** The proxy as translation sees it: only the fields the key covers. */
  readonly proxy: ProxyInfo;
}

export function translationInputs(snapshot: MeshSnapshot, proxy: ProxyInfo): TranslationInputs {
  const selectors = proxySelectors(snapshot);
  const metadata: Record<string, unknown> = {};
  for (const name of TRANSLATED_METADATA)
    if (proxy.metadata[name] !== undefined) metadata[name] = proxy.metadata[name];
  const ips = addressesRead(proxy);
  const key = JSON.stringify([
    proxy.kind,
    proxy.namespace,
    proxy.interceptionMode,
    [proxy.locality.region, proxy.locality.zone, proxy.locality.subZone],
    selectors.list.map((selector) => (labelsMatch(selector, proxy.labels) ? '1' : '0')).join(''),
    TRANSLATED_METADATA.map((name) => metadata[name] ?? null),
    ips,
    isTransparent(proxy) ? servedInboundPorts(servicesAt(snapshot, proxy), proxy.ips) : [],
  ]);
  const labels: Record<string, string> = {};
  for (const name of selectors.labelNames)
    if (proxy.labels[name] !== undefined) labels[name] = proxy.labels[name];
  return {
    key,
    proxy: Object.freeze({
      id: '',
      kind: proxy.kind,
      // A transparent sidecar's addresses stay for its served ports (which the key holds).
      ips: isTransparent(proxy) ? proxy.ips : ips,
      podName: '',
      namespace: proxy.namespace,
      labels,
      serviceAccount: '',
      workloadName: '',
      clusterId: '',
      interceptionMode: proxy.interceptionMode,
      locality: proxy.locality,
      metadata,
    }),
  };
}

function isTransparent(proxy: ProxyInfo): boolean {
  return proxy.kind === 'sidecar' && proxy.interceptionMode !== 'NONE';
}

/**
 * The addresses translation reads as they are: all of a proxyless gRPC server's (its listener
 * names), the first of a workload registered through TANDEM_WORKLOAD (its inbound listener binds it).
 */
function addressesRead(proxy: ProxyInfo): readonly string[] {
  if (proxy.kind === 'grpc') return proxy.ips;
  if (proxy.kind === 'sidecar' && proxy.metadata[WORKLOAD_METADATA] !== undefined)
    return proxy.ips.slice(0, 1);
  return [];
}

interface Selectors {
  /** Every distinct non-empty label selector translation may test against a proxy's labels, sorted. */
  readonly list: readonly Readonly<Record<string, string>>[];
  /** Every label name those selectors name. */
  readonly labelNames: readonly string[];
}

const selectorsOf = new WeakMap<MeshSnapshot, Selectors>();

function proxySelectors(snapshot: MeshSnapshot): Selectors {
  let selectors = selectorsOf.get(snapshot);
  if (selectors === undefined) {
    const distinct = new Map<string, Readonly<Record<string, string>>>();
    for (const selector of selectorsIn(snapshot)) {
      if (selector === undefined || Object.keys(selector).length === 0) continue;
      const sorted = Object.fromEntries(Object.entries(selector).sort());
      distinct.set(JSON.stringify(sorted), sorted);
    }
    const list = [...distinct.keys()].sort().map((key) => distinct.get(key)!);
    const labelNames = [...new Set(list.flatMap((s) => Object.keys(s)))].sort();
    selectors = { list, labelNames };
    selectorsOf.set(snapshot, selectors);
  }
  return selectors;
}

type Selector = Readonly<Record<string, string>> | undefined;

/** The selectors of every kind whose selector picks proxies (not endpoints) by their labels. */
function* selectorsIn(snapshot: MeshSnapshot): Generator<Selector> {
  for (const s of snapshot.sidecars) yield s.spec.workloadSelector;
  for (const g of snapshot.gateways) yield g.spec.selector;
  for (const p of snapshot.peerAuthentications) yield p.spec.selector;
  for (const p of snapshot.authorizationPolicies) yield p.spec.selector;
  for (const p of snapshot.requestAuthentications) yield p.spec.selector;
  for (const vs of snapshot.virtualServices) {
    for (const route of vs.spec.http) for (const m of route.match) yield m.sourceLabels;
    for (const route of vs.spec.tcp) for (const m of route.match) yield m.sourceLabels;
    for (const route of vs.spec.tls) for (const m of route.match) yield m.sourceLabels;
  }
  for (const o of snapshot.objects) yield objectSelector(o);
}

function objectSelector(o: IstioObject): Selector {
  if (o.kind === 'EnvoyFilter') return o.spec.workloadSelector;
  if (o.kind === 'Telemetry') return o.spec.selector;
  return undefined;
}

const servicesByAddress = new WeakMap<MeshSnapshot, ReadonlyMap<string, readonly MeshService[]>>();

/**
 * The services visible to the proxy with an endpoint at one of its addresses, in hostname order:
 * the only ones that count for the ports it serves.
 */
function servicesAt(snapshot: MeshSnapshot, proxy: ProxyInfo): MeshService[] {
  let index = servicesByAddress.get(snapshot);
  if (index === undefined) {
    const byAddress = new Map<string, MeshService[]>();
    for (const service of snapshot.services.values()) {
      for (const address of new Set(service.endpoints.map((ep) => ep.address))) {
        const list = byAddress.get(address);
        if (list === undefined) byAddress.set(address, [service]);
        else list.push(service);
      }
    }
    servicesByAddress.set(snapshot, (index = byAddress));
  }
  const visible = visibilityOf(snapshot, proxy);
  const found = new Set<MeshService>();
  for (const ip of proxy.ips)
    for (const service of index.get(ip) ?? []) if (visible(service)) found.add(service);
  return [...found].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}
