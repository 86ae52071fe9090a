/**
 * Outbound clusters (`outbound|port|subset|host`) for every visible service port and its
 * DestinationRule subsets, with the rule's traffic policy applied where the consumer supports it,
 * and inbound clusters to the local application.
 */
import type { ServicePort } from '@tandem/api/istio';
import { labelsMatch, type MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import { autoMtlsTo, endpointIdentities, TLS_MODE_MATCH } from './auto-mtls.ts';
import { type Capabilities, sendsToOriginalDestination } from './capabilities.ts';
import { inboundClusterName, outboundClusterName } from './cluster-name.ts';
import { dnsLoadAssignment, targetPort } from './endpoint-builder.ts';
import { applyLoadBalancer } from './load-balancer-policy.ts';
import { localityWeighted } from './locality-lb.ts';
import { istioMutualUpstream, istioSni } from './mtls-transport.ts';
import { circuitBreakers, outlierDetection, panicThreshold } from './resilience.ts';
import { destinationRuleFor, effectivePolicy } from './traffic-policy.ts';
import { duration, type Json, TYPE } from './xds-resources.ts';

/** Istio's default connect timeout. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface ClusterPlan {
  name: string;
  service: MeshService;
  port: ServicePort;
  subset: string;
  /** Labels endpoints must carry (the subset's), empty for the whole service. */
  subsetLabels: Readonly<Record<string, string>>;
}

/** Every outbound cluster a proxy needs for these services. */
export function planOutboundClusters(
  snapshot: MeshSnapshot,
  services: readonly MeshService[],
): ClusterPlan[] {
  const plans: ClusterPlan[] = [];
  for (const service of services) {
    if (service.resolution === 'NONE') continue;
    const rule = destinationRuleFor(snapshot, service.hostname)?.spec;
    for (const port of service.ports) {
      plans.push({
        name: outboundClusterName(port.number, '', service.hostname),
        service,
        port,
        subset: '',
        subsetLabels: {},
      });
      for (const s of rule?.subsets ?? []) {
        plans.push({
          name: outboundClusterName(port.number, s.name, service.hostname),
          service,
          port,
          subset: s.name,
          subsetLabels: s.labels,
        });
      }
    }
  }
  return plans;
}

export function buildOutboundCluster(
  snapshot: MeshSnapshot,
  plan: ClusterPlan,
  caps: Capabilities,
  notes: string[],
  sidecar = true,
): Json {
  const { service, port } = plan;
  const policy = effectivePolicy(
    destinationRuleFor(snapshot, service.hostname)?.spec,
    plan.subset,
    port.number,
  );
  const cluster: Json = {
    name: plan.name,
    connect_timeout: duration(policy?.connectionPool?.tcp?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS),
  };
  if (sendsToOriginalDestination(caps, policy?.loadBalancer)) {
    // PASSTHROUGH: to the address the application dialled, no balancing and no endpoint list (as Istio).
    cluster['type'] = 'ORIGINAL_DST';
  } else if (service.resolution === 'STATIC') {
    cluster['type'] = 'EDS';
    cluster['eds_cluster_config'] = {
      eds_config: { ads: {}, resource_api_version: 'V3' },
      service_name: plan.name,
    };
  } else {
    cluster['type'] = service.resolution === 'DNS' ? 'STRICT_DNS' : 'LOGICAL_DNS';
    cluster['dns_lookup_family'] = 'V4_ONLY';
    cluster['load_assignment'] = dnsLoadAssignment(plan, sidecar ? snapshot : undefined);
  }
  applyLoadBalancer(cluster, policy?.loadBalancer, caps, notes, plan.name);
  applyProtocol(cluster, port, policy?.connectionPool?.http);
  if (caps.circuitBreakers) cluster['circuit_breakers'] = circuitBreakers(policy?.connectionPool);
  const outlier = policy?.outlierDetection;
  if (outlier !== undefined) {
    if (caps.outlierDetection) {
      cluster['outlier_detection'] = outlierDetection(outlier);
      cluster['common_lb_config'] = panicThreshold(outlier);
    } else {
      notes.push(`${plan.name}: outlierDetection not applied (proxy does not support it yet)`);
    }
  }
  if (localityWeighted(policy, plan)) {
    cluster['common_lb_config'] = {
      ...((cluster['common_lb_config'] as Json | undefined) ?? {}),
      locality_weighted_lb_config: {},
    };
  }
  if (policy?.tls !== undefined && policy.tls.mode !== 'ISTIO_MUTUAL') applyTls(cluster, policy.tls);
  else if (sidecar) applyMeshTls(cluster, snapshot, plan, policy?.tls, notes);
  else if (policy?.tls !== undefined)
    notes.push(`${plan.name}: tls ISTIO_MUTUAL not applied (proxyless gRPC has no mesh certificates)`);
  return cluster;
}

function applyProtocol(
  cluster: Json,
  port: ServicePort,
  http: { h2UpgradePolicy: string; idleTimeoutMs?: number; maxRequestsPerConnection?: number } | undefined,
): void {
  const h2 = port.protocol === 'HTTP2' || port.protocol === 'GRPC' || http?.h2UpgradePolicy === 'UPGRADE';
  const isHttp = h2 || port.protocol === 'HTTP';
  if (!isHttp) return;
  const common: Json = {};
  if (http?.idleTimeoutMs !== undefined) common['idle_timeout'] = duration(http.idleTimeoutMs);
  if (http?.maxRequestsPerConnection !== undefined)
    common['max_requests_per_connection'] = http.maxRequestsPerConnection;
  if (!h2 && Object.keys(common).length === 0) return;
  cluster['typed_extension_protocol_options'] = {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': TYPE.httpProtocolOptions,
      explicit_http_config: h2 ? { http2_protocol_options: {} } : { http_protocol_options: {} },
      ...(Object.keys(common).length > 0 ? { common_http_protocol_options: common } : {}),
    },
  };
}

/**
 * Mesh mTLS for a sidecar's cluster: DestinationRule ISTIO_MUTUAL sends it to every endpoint; without a
 * DestinationRule `tls`, auto mTLS sends it to the endpoints that have a sidecar (transport socket match on
 * their `tlsMode` metadata) and plaintext to the others.
 */
function applyMeshTls(
  cluster: Json,
  snapshot: MeshSnapshot,
  plan: ClusterPlan,
  tls: NonNullable<NonNullable<ReturnType<typeof effectivePolicy>>['tls']> | undefined,
  notes: string[],
): void {
  const { service } = plan;
  const eps = service.endpoints.filter((ep) => labelsMatch(plan.subsetLabels, ep.labels));
  const sni = tls?.sni || istioSni(plan.port.number, plan.subset, service.hostname);
  if (tls !== undefined) {
    if (!snapshot.security.mtls) {
      notes.push(`${plan.name}: tls ISTIO_MUTUAL not applied (the control plane runs no CA)`);
      return;
    }
    const sans =
      tls.subjectAltNames.length > 0 ? tls.subjectAltNames : endpointIdentities(snapshot, service, eps);
    cluster['transport_socket'] = istioMutualUpstream(sni, sans);
    return;
  }
  const meshEps = eps.filter((ep) => autoMtlsTo(snapshot, service, ep, targetPort(plan, ep)));
  if (meshEps.length === 0) return;
  cluster['transport_socket_matches'] = [
    {
      name: 'tlsMode-istio',
      match: { ...TLS_MODE_MATCH },
      transport_socket: istioMutualUpstream(sni, endpointIdentities(snapshot, service, meshEps)),
    },
  ];
}

function applyTls(
  cluster: Json,
  tls: NonNullable<NonNullable<ReturnType<typeof effectivePolicy>>['tls']>,
): void {
  if (tls.mode === 'DISABLE') return;
  const common: Json = {};
  if (tls.caCertificates !== '' && !tls.insecureSkipVerify) {
    common['validation_context'] = {
      trusted_ca: { filename: tls.caCertificates },
      ...(tls.subjectAltNames.length > 0
        ? {
            match_typed_subject_alt_names: tls.subjectAltNames.map((s) => ({
              san_type: 'DNS',
              matcher: { exact: s },
            })),
          }
        : {}),
    };
  }
  if (tls.mode === 'MUTUAL') {
    common['tls_certificates'] = [
      { certificate_chain: { filename: tls.clientCertificate }, private_key: { filename: tls.privateKey } },
    ];
  }
  cluster['transport_socket'] = {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': TYPE.upstreamTls,
      ...(tls.sni !== '' ? { sni: tls.sni } : {}),
      common_tls_context: common,
    },
  };
}

/** A STATIC cluster to the local application for an inbound port. */
export function buildInboundCluster(
  port: number,
  endpoint: { address: string; port: number },
  protocol: ServicePort['protocol'],
): Json {
  const cluster: Json = {
    name: inboundClusterName(port),
    type: 'STATIC',
    connect_timeout: duration(CONNECT_TIMEOUT_MS),
    lb_policy: 'ROUND_ROBIN',
    load_assignment: {
      cluster_name: inboundClusterName(port),
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: {
                address: { socket_address: { address: endpoint.address, port_value: endpoint.port } },
              },
            },
          ],
        },
      ],
    },
  };
  if (protocol === 'HTTP2' || protocol === 'GRPC') {
    cluster['typed_extension_protocol_options'] = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': TYPE.httpProtocolOptions,
        explicit_http_config: { http2_protocol_options: {} },
      },
    };
  }
  return cluster;
}
