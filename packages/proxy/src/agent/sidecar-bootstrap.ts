/**
 * The injected sidecar's Envoy bootstrap, made from its environment (the downward API env and the
 * `TANDEM_*` settings the injector writes) and the pod's labels file: an xDS node named the way
 * the control plane expects, `sidecar~<podIP>~<pod>.<namespace>~<namespace>.svc.cluster.local`, with
 * metadata NAMESPACE, LABELS, SERVICE_ACCOUNT, WORKLOAD_NAME, CLUSTER_ID, INTERCEPTION_MODE (and the
 * other `TANDEM_META_*` values), the admin API on 127.0.0.1, and ADS to the control plane.
 */

export interface SidecarEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** The downward API `labels` file (`key="value"` lines), or '' when absent. */
  labelsFile: string;
}

/** Parses the downward API labels/annotations file format: one `key="go-quoted value"` per line. */
export function parseDownwardApiFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    try {
      out[key] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    } catch {
      out[key] = raw.replace(/^"|"$/g, '');
    }
  }
  return out;
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`TANDEM_CONTROL_PLANE: "${address}" is not host:port`);
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

export function buildSidecarBootstrap(input: SidecarEnvironment, adminPort = 15000): Record<string, unknown> {
  const env = input.env;
  const namespace = env.POD_NAMESPACE || 'default';
  const pod = env.POD_NAME || 'unknown';
  const ip = env.INSTANCE_IP || '127.0.0.1';
  const domain = `${namespace}.svc.cluster.local`;
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env))
    if (k.startsWith('TANDEM_META_') && v !== undefined) metadata[k.slice('TANDEM_META_'.length)] = v;
  Object.assign(metadata, {
    NAMESPACE: namespace,
    POD_NAME: pod,
    LABELS: parseDownwardApiFile(input.labelsFile),
    SERVICE_ACCOUNT: env.SERVICE_ACCOUNT || 'default',
    INSTANCE_IPS: (env.INSTANCE_IPS || ip)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .join(','),
  });
  if (env.TRUST_DOMAIN) metadata.TRUST_DOMAIN = env.TRUST_DOMAIN;
  const cp = hostPort(env.TANDEM_CONTROL_PLANE || 'tandem-control-plane.tandem-system.svc:15010');
  const source = { ads: {}, resource_api_version: 'V3' };
  return {
    node: {
      id: `sidecar~${ip}~${pod}.${namespace}~${domain}`,
      cluster: `${String(metadata.WORKLOAD_NAME || pod)}.${namespace}`,
      metadata,
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }],
        set_node_on_first_message_only: true,
      },
      lds_config: source,
      cds_config: source,
    },
    static_resources: {
      clusters: [
        {
          name: 'xds-grpc',
          type: 'STRICT_DNS',
          connect_timeout: '1s',
          lb_policy: 'ROUND_ROBIN',
          load_assignment: {
            cluster_name: 'xds-grpc',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: cp.host, port_value: cp.port } } } },
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
