/**
 * One local workload instance (what `tandem run` runs, and what `tandem up` runs per replica):
 * who it is, the ports it serves, and the ports its sidecar uses. The spec turns into the
 * sidecar's bootstrap (an ADS client of the control plane that registers the workload through
 * TANDEM_WORKLOAD, see packages/control-plane/src/registry/workload-registrations.ts) and into
 * the application's environment.
 *
 * Two interception modes, as Istio names them: explicit (NONE), where every instance shares the
 * host's loopback and the application sends HTTP through the sidecar's HTTP_PROXY port; and
 * transparent (REDIRECT), where the instance has a network namespace of its own (a pod with its
 * own IP) whose iptables rules send its TCP through the sidecar, so the application needs no
 * settings at all.
 */

export type PortProtocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'TCP';

export interface WorkloadPort {
  /** Istio port name (`http`, `grpc`, `tcp-5000`...). */
  name: string;
  /** The service port clients use: `http://reviews:9080`. */
  port: number;
  protocol: PortProtocol;
  /** The sidecar's inbound listener, where other sidecars connect. */
  endpointPort: number;
  /** Where the application listens. */
  targetPort: number;
}

export interface WorkloadSpec {
  /** Service name (DNS label): the host `<service>.<namespace>.svc.cluster.local`. */
  service: string;
  /** Instance name, unique in the namespace (a pod name in Kubernetes). */
  instance: string;
  namespace: string;
  serviceAccount: string;
  labels: Record<string, string>;
  ports: WorkloadPort[];
  /** The sidecar's outbound HTTP proxy port (the application's HTTP_PROXY); unused when transparent. */
  proxyPort: number;
  /** The sidecar's admin port (0: any). */
  adminPort: number;
  controlPlane: { host: string; port: number };
  /** Transparent interception: the instance runs in a pod of its own. Undefined: explicit. */
  transparent?: TransparentSpec;
}

/**
 * In a pod the admin API stays on the pod's loopback (it can stop the proxy); Istio's agent ports
 * serve the outside, on every address, exempt from capture: readiness (`/healthz/ready`) on the
 * health port, the proxy's metrics (`/stats/prometheus`) on the agent port.
 */
export const POD_AGENT_PORT = 15020;
export const POD_HEALTH_PORT = 15021;

export interface TransparentSpec {
  /** The pod's IP: the workload's endpoint address. */
  podIp: string;
  /** The service's virtual IP, registered for the generated ServiceEntry's `addresses`. */
  serviceAddress?: string;
}

/** The outbound listener whose arrival means the sidecar can carry the application's calls. */
export function outboundListenerName(spec: WorkloadSpec): string {
  return spec.transparent === undefined ? `127.0.0.1_${spec.proxyPort}` : 'virtualOutbound';
}

export const XDS_CLUSTER = 'xds-grpc';

/** The Envoy bootstrap of a local sidecar: admin, and everything else over ADS. */
export function workloadBootstrap(spec: WorkloadSpec): Record<string, unknown> {
  const ip = spec.transparent?.podIp ?? '127.0.0.1';
  const serviceAddress = spec.transparent?.serviceAddress;
  return {
    node: {
      id: `sidecar~${ip}~${spec.instance}.${spec.namespace}~${spec.namespace}.svc.cluster.local`,
      cluster: `${spec.service}.${spec.namespace}`,
      metadata: {
        NAMESPACE: spec.namespace,
        LABELS: spec.labels,
        SERVICE_ACCOUNT: spec.serviceAccount,
        WORKLOAD_NAME: spec.instance,
        POD_NAME: spec.instance,
        INSTANCE_IPS: ip,
        ...(spec.transparent === undefined
          ? {
              INTERCEPTION_MODE: 'NONE',
              HTTP_PROXY_PORT: String(spec.proxyPort),
              // Every sidecar shares the host's loopback: only the HTTP proxy listener is outbound.
              OUTBOUND_LISTENERS: 'http-proxy',
            }
          : { INTERCEPTION_MODE: 'REDIRECT' }),
        // A workload that serves nothing (a job, a client) calls out but is not a service.
        ...(spec.ports.length === 0
          ? {}
          : {
              TANDEM_WORKLOAD: {
                service: spec.service,
                ...(serviceAddress === undefined ? {} : { serviceAddress }),
                ports: spec.ports.map((p) => ({
                  name: p.name,
                  port: p.port,
                  protocol: p.protocol,
                  endpointPort: p.endpointPort,
                  targetPort: p.targetPort,
                })),
              },
            }),
      },
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: spec.adminPort } } },
    ...adsConfig(spec.controlPlane),
  };
}

/** Dynamic config over ADS from the control plane at `controlPlane` (gRPC, plaintext). */
export function adsConfig(controlPlane: { host: string; port: number }): Record<string, unknown> {
  const source = { ads: {}, resource_api_version: 'V3' };
  return {
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER } }],
        set_node_on_first_message_only: true,
      },
      lds_config: source,
      cds_config: source,
    },
    static_resources: {
      clusters: [
        {
          name: XDS_CLUSTER,
          type: 'STATIC',
          connect_timeout: '1s',
          load_assignment: {
            cluster_name: XDS_CLUSTER,
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: {
                      address: {
                        socket_address: { address: controlPlane.host, port_value: controlPlane.port },
                      },
                    },
                  },
                ],
              },
            ],
          },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
        },
      ],
    },
  };
}

/**
 * The application's environment: in explicit mode, interception through HTTP_PROXY (curl, Python,
 * Go, Node >= 24 with NODE_USE_ENV_PROXY, undici's EnvHttpProxyAgent; Java takes it as
 * -Dhttp.proxyHost/-Dhttp.proxyPort, see docs/local-mesh.md; none in transparent mode, where
 * iptables does it), and where to listen (PORT for the first port, TANDEM_PORT_<port> for each).
 */
export function workloadEnv(spec: WorkloadSpec): Record<string, string> {
  const proxy = `http://127.0.0.1:${spec.proxyPort}`;
  const noProxy = 'localhost,127.0.0.1,::1';
  const explicit: Record<string, string> =
    spec.transparent === undefined
      ? {
          HTTP_PROXY: proxy,
          http_proxy: proxy,
          NO_PROXY: noProxy,
          no_proxy: noProxy,
          NODE_USE_ENV_PROXY: '1',
        }
      : {};
  const env: Record<string, string> = {
    ...explicit,
    TANDEM_SERVICE: spec.service,
    TANDEM_NAMESPACE: spec.namespace,
    TANDEM_INSTANCE: spec.instance,
  };
  if (spec.ports[0] !== undefined) env['PORT'] = String(spec.ports[0].targetPort);
  for (const p of spec.ports) env[`TANDEM_PORT_${p.port}`] = String(p.targetPort);
  return env;
}
