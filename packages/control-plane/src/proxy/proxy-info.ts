/**
 * Who is asking for config. Proxies name themselves the way Istio sidecars do:
 * `node.id` = `sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local` and `node.metadata`
 * with NAMESPACE, LABELS, SERVICE_ACCOUNT, WORKLOAD_NAME, CLUSTER_ID, INTERCEPTION_MODE. Proxyless
 * gRPC clients send a free-form id; they are recognised by their user agent (`grpc-node-js`,
 * `grpc-java`, ...) or by metadata GENERATOR=grpc, as Istio does.
 */
import { type Locality, NO_LOCALITY } from '../model/mesh-service.ts';

export type ProxyKind = 'sidecar' | 'router' | 'grpc';

export interface ProxyInfo {
  /** node.id as sent. */
  id: string;
  kind: ProxyKind;
  /** The workload's IP addresses (from the id, or metadata INSTANCE_IPS). */
  ips: readonly string[];
  podName: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  serviceAccount: string;
  workloadName: string;
  clusterId: string;
  /** REDIRECT / TPROXY: iptables capture; NONE: the app talks to the sidecar explicitly. */
  interceptionMode: 'REDIRECT' | 'TPROXY' | 'NONE';
  locality: Locality;
  /** Free-form metadata, for anything not listed above. */
  metadata: Readonly<Record<string, unknown>>;
}

export interface XdsNode {
  id?: string;
  cluster?: string;
  metadata?: Record<string, unknown>;
  locality?: { region?: string; zone?: string; sub_zone?: string; subZone?: string };
  user_agent_name?: string;
  userAgentName?: string;
}

export function parseProxyInfo(node: XdsNode): ProxyInfo {
  const id = node.id ?? '';
  const md = node.metadata ?? {};
  const parts = id.split('~');
  const istioShaped = parts.length === 4 && ['sidecar', 'router'].includes(parts[0]!);
  const [, ip = '', podDotNs = ''] = istioShaped ? parts : [];
  const dot = podDotNs.lastIndexOf('.');
  const namespace = str(md['NAMESPACE']) || (dot > 0 ? podDotNs.slice(dot + 1) : '') || 'default';
  const ips = str(md['INSTANCE_IPS']) ? str(md['INSTANCE_IPS']).split(',') : ip ? [ip] : [];
  return {
    id,
    kind: kindOf(node, istioShaped ? (parts[0] as ProxyKind) : undefined),
    ips,
    podName: str(md['POD_NAME']) || (dot > 0 ? podDotNs.slice(0, dot) : podDotNs),
    namespace,
    labels: stringMap(md['LABELS']),
    serviceAccount: str(md['SERVICE_ACCOUNT']) || 'default',
    workloadName: str(md['WORKLOAD_NAME']),
    clusterId: str(md['CLUSTER_ID']) || 'Kubernetes',
    interceptionMode: interceptionOf(str(md['INTERCEPTION_MODE'])),
    locality: node.locality
      ? {
          region: node.locality.region ?? '',
          zone: node.locality.zone ?? '',
          subZone: node.locality.sub_zone ?? node.locality.subZone ?? '',
        }
      : NO_LOCALITY,
    metadata: md,
  };
}

function kindOf(node: XdsNode, fromId: ProxyKind | undefined): ProxyKind {
  const md = node.metadata ?? {};
  const agent = node.user_agent_name ?? node.userAgentName ?? '';
  if (str(md['GENERATOR']) === 'grpc' || agent.startsWith('grpc')) return 'grpc';
  return fromId ?? 'sidecar';
}

function interceptionOf(v: string): ProxyInfo['interceptionMode'] {
  if (v === 'NONE' || v === 'TPROXY') return v;
  return 'REDIRECT';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** LABELS arrive as a JSON object, or (from some clients) as a JSON string. */
function stringMap(v: unknown): Record<string, string> {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch {
      return {};
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) if (typeof val === 'string') out[k] = val;
  return out;
}
