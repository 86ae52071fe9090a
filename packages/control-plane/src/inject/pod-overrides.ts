/**
 * Per-pod settings from the annotations users already write for Istio (`sidecar.istio.io/*`,
 * `traffic.sidecar.istio.io/*`, `proxy.istio.io/config`) and their `*.tandem.io` twins. Each value
 * is checked here; a bad one is an `InjectError` naming the annotation, never a silently ignored one.
 */
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { InjectError, InjectErrorCode } from './inject-error.ts';
import type { InjectSettings, ProxyResources } from './inject-settings.ts';
import { isRecord } from './kube-pod.ts';

export interface PodOverrides {
  resources: ProxyResources;
  interceptionMode: 'REDIRECT' | 'TPROXY' | 'NONE';
  /** `*` or a comma-separated port list. */
  includeInboundPorts: string;
  excludeInboundPorts: number[];
  includeOutboundPorts: number[];
  excludeOutboundPorts: number[];
  /** `*` or a comma-separated CIDR list. */
  includeOutboundCidrs: string;
  excludeOutboundCidrs: string[];
  holdApplicationUntilProxyStarts: boolean;
  rewriteAppProbes: boolean;
  proxyImage: string;
  /** `proxyMetadata` from `proxy.istio.io/config`: extra env for the proxy. */
  proxyMetadata: Record<string, string>;
  /** `proxy.istio.io/config` as JSON (passed to the proxy as PROXY_CONFIG), or '' when absent. */
  proxyConfigJson: string;
}

const SIDECAR = ['sidecar.tandem.io/', 'sidecar.istio.io/'];
const TRAFFIC = ['traffic.sidecar.tandem.io/', 'traffic.sidecar.istio.io/'];
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei|e\d+)?$/;

/** The first of `prefixes + key` that is set, with the annotation name for messages. */
function pick(annotations: Record<string, string>, prefixes: string[], key: string) {
  for (const p of prefixes) {
    const value = annotations[p + key];
    if (value !== undefined) return { name: p + key, value: String(value).trim() };
  }
  return undefined;
}

function checkIpOrCidr(value: string): string | undefined {
  const [address = '', bits, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  if (
    extra !== undefined ||
    (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 6 ? 128 : 32)))
  )
    return `"${value}" has a bad prefix length`;
  return undefined;
}

function bad(name: string, value: string, why: string): never {
  throw new InjectError(InjectErrorCode.annotation, `annotation ${name}: "${value}" ${why}`);
}

function portList(a: { name: string; value: string } | undefined): number[] {
  if (a === undefined || a.value === '') return [];
  return a.value.split(',').map((s) => {
    const t = s.trim();
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < 1 || n > 65535)
      bad(a.name, a.value, 'is not a comma-separated list of ports');
    return n;
  });
}

function cidrList(a: { name: string; value: string } | undefined): string[] {
  if (a === undefined || a.value === '') return [];
  return a.value.split(',').map((s) => {
    const t = s.trim();
    const why = checkIpOrCidr(t);
    if (why !== undefined) bad(a.name, a.value, `is not a comma-separated list of CIDR blocks (${why})`);
    return t;
  });
}

function bool(a: { name: string; value: string } | undefined, fallback: boolean): boolean {
  if (a === undefined) return fallback;
  if (['true', 'y', 'yes', '1'].includes(a.value.toLowerCase())) return true;
  if (['false', 'n', 'no', '0'].includes(a.value.toLowerCase())) return false;
  return bad(a.name, a.value, 'is not a boolean');
}

function quantity(a: { name: string; value: string } | undefined): string | undefined {
  if (a === undefined) return undefined;
  if (!QUANTITY.test(a.value)) bad(a.name, a.value, 'is not a Kubernetes resource quantity');
  return a.value;
}

function readResources(ann: Record<string, string>, settings: InjectSettings): ProxyResources {
  const cpu = quantity(pick(ann, SIDECAR, 'proxyCPU'));
  const memory = quantity(pick(ann, SIDECAR, 'proxyMemory'));
  const cpuLimit = quantity(pick(ann, SIDECAR, 'proxyCPULimit'));
  const memoryLimit = quantity(pick(ann, SIDECAR, 'proxyMemoryLimit'));
  if ([cpu, memory, cpuLimit, memoryLimit].every((v) => v === undefined)) return settings.resources;
  // As in Istio: once a pod sets any proxy resource, the pod's annotations are the whole story.
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (cpu !== undefined) requests.cpu = cpu;
  if (memory !== undefined) requests.memory = memory;
  if (cpuLimit !== undefined) limits.cpu = cpuLimit;
  if (memoryLimit !== undefined) limits.memory = memoryLimit;
  const out: ProxyResources = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out;
}

function readProxyConfig(ann: Record<string, string>) {
  const name = 'proxy.istio.io/config';
  const text = ann[name];
  if (text === undefined) return { hold: undefined, metadata: {}, json: '' };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return bad(name, text.slice(0, 60), `is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return { hold: undefined, metadata: {}, json: '' };
  if (!isRecord(doc)) return bad(name, text.slice(0, 60), 'is not a ProxyConfig object');
  const metadata: Record<string, string> = {};
  if (isRecord(doc.proxyMetadata))
    for (const [k, v] of Object.entries(doc.proxyMetadata)) metadata[k] = String(v);
  const hold = doc.holdApplicationUntilProxyStarts;
  return { hold: typeof hold === 'boolean' ? hold : undefined, metadata, json: JSON.stringify(doc) };
}

function interceptionMode(ann: Record<string, string>): PodOverrides['interceptionMode'] {
  const a = pick(ann, SIDECAR, 'interceptionMode');
  if (a === undefined) return 'REDIRECT';
  if (a.value === 'TPROXY')
    return bad(a.name, a.value, 'is not supported by Tandem (its rules use REDIRECT); use REDIRECT or NONE');
  if (a.value === 'REDIRECT' || a.value === 'NONE') return a.value;
  return bad(a.name, a.value, 'is not one of REDIRECT, TPROXY, NONE');
}

/** Reads and checks every annotation the injector honours. */
export function readPodOverrides(
  annotations: Record<string, string> | undefined,
  settings: InjectSettings,
): PodOverrides {
  const ann = annotations ?? {};
  const includeIn = pick(ann, TRAFFIC, 'includeInboundPorts');
  const includeCidrs = pick(ann, TRAFFIC, 'includeOutboundIPRanges');
  const proxyConfig = readProxyConfig(ann);
  const holdAnnotation = pick(ann, SIDECAR, 'holdApplicationUntilProxyStarts');
  const image = pick(ann, SIDECAR, 'proxyImage');
  return {
    resources: readResources(ann, settings),
    interceptionMode: interceptionMode(ann),
    includeInboundPorts:
      includeIn === undefined || includeIn.value === '*' ? '*' : portList(includeIn).join(','),
    excludeInboundPorts: portList(pick(ann, TRAFFIC, 'excludeInboundPorts')),
    includeOutboundPorts: portList(pick(ann, TRAFFIC, 'includeOutboundPorts')),
    excludeOutboundPorts: portList(pick(ann, TRAFFIC, 'excludeOutboundPorts')),
    includeOutboundCidrs:
      includeCidrs === undefined || includeCidrs.value === '*' ? '*' : cidrList(includeCidrs).join(','),
    excludeOutboundCidrs: cidrList(pick(ann, TRAFFIC, 'excludeOutboundIPRanges')),
    holdApplicationUntilProxyStarts: bool(
      holdAnnotation,
      proxyConfig.hold ?? settings.holdApplicationUntilProxyStarts,
    ),
    rewriteAppProbes: bool(pick(ann, SIDECAR, 'rewriteAppHTTPProbers'), settings.rewriteAppProbes),
    proxyImage: image?.value || settings.proxyImage,
    proxyMetadata: proxyConfig.metadata,
    proxyConfigJson: proxyConfig.json,
  };
}
