/**
 * What the injector adds, as settings: images, the control plane's address, the proxy's identity and
 * resources, and which Kubernetes features it may use. The Helm chart's values map onto these; the
 * webhook and `tandem kube-inject` share them, so both produce the same pods.
 */

/** Ports of the injected sidecar (Istio's numbers, so existing firewall rules and dashboards fit). */
export const SidecarPorts = {
  /** iptables sends a pod's outbound TCP here. */
  outbound: 15001,
  /** iptables sends a pod's inbound TCP here. */
  inbound: 15006,
  /** The agent: app probe forwarding (`/app-health/...`) and merged metrics (`/stats/prometheus`). */
  agent: 15020,
  /** The agent's readiness endpoint (`/healthz/ready`). */
  health: 15021,
  /** The proxy's admin API, on 127.0.0.1 only. */
  admin: 15000,
} as const;

/** Names the injector gives what it adds; also how it recognises a pod it already injected. */
export const SidecarNames = {
  proxy: 'tandem-proxy',
  init: 'tandem-init',
  statusAnnotation: 'sidecar.tandem.io/status',
  volumes: {
    bootstrap: 'tandem-bootstrap',
    podInfo: 'tandem-podinfo',
    token: 'tandem-token',
    caRoot: 'tandem-ca-root',
  },
  /** Where the volumes are mounted in the proxy container. */
  mounts: {
    bootstrap: '/etc/tandem/proxy',
    podInfo: '/etc/tandem/pod',
    token: '/var/run/secrets/tokens',
    caRoot: '/var/run/secrets/tandem',
  },
} as const;

export interface ProxyResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface InjectSettings {
  /** The image with the `tandem` command (proxy, agent and `tandem iptables`). */
  proxyImage: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never' | undefined;
  /** Kubernetes >= 1.28: the proxy is an init container with `restartPolicy: Always`. */
  nativeSidecar: boolean;
  /** The UID (and GID) the proxy runs as; interception exempts its traffic. */
  proxyUid: number;
  /** ADS address the sidecar connects to, `host:port`. */
  controlPlaneAddress: string;
  /** The CA's address, `host:port`. */
  caAddress: string;
  /** Audience of the projected service-account token the CA accepts. */
  caAudience: string;
  /** ConfigMap holding the mesh root certificate (mounted optional until it exists). */
  caRootConfigMap: string;
  trustDomain: string;
  clusterId: string;
  resources: ProxyResources;
  /** Start the app only once the proxy is ready (default on; annotation can override per pod). */
  holdApplicationUntilProxyStarts: boolean;
  /** Rewrite HTTP probes to the agent so they work under STRICT mTLS. */
  rewriteAppProbes: boolean;
  /** Inject pods of namespaces that carry no injection label (default off). */
  injectByDefault: boolean;
  /** Add Prometheus scrape annotations pointing at the agent. */
  metricsScrape: boolean;
  tokenExpirationSeconds: number;
}

export const TANDEM_IMAGE_VERSION = '0.1.0';

export function defaultInjectSettings(overrides: Partial<InjectSettings> = {}): InjectSettings {
  return {
    proxyImage: `ghcr.io/tandem-mesh/proxy:${TANDEM_IMAGE_VERSION}`,
    imagePullPolicy: undefined,
    nativeSidecar: true,
    proxyUid: 1337,
    controlPlaneAddress: 'tandem-control-plane.tandem-system.svc:15010',
    caAddress: 'tandem-control-plane.tandem-system.svc:15012',
    caAudience: 'tandem-ca',
    caRootConfigMap: 'tandem-ca-root-cert',
    trustDomain: 'cluster.local',
    clusterId: 'Kubernetes',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    holdApplicationUntilProxyStarts: true,
    rewriteAppProbes: true,
    injectByDefault: false,
    metricsScrape: true,
    tokenExpirationSeconds: 43200,
    ...overrides,
  };
}

/**
 * Native sidecars (init containers with `restartPolicy: Always`) are on by default from Kubernetes
 * 1.29 and usable from 1.28; `gitVersion`-style strings (`v1.28.3-eks-1`) and `{major, minor}` from
 * the API server's `/version` (minor may carry a `+`) are accepted.
 */
export function supportsNativeSidecar(version: string | { major: string; minor: string }): boolean {
  let major: number;
  let minor: number;
  if (typeof version === 'string') {
    const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
    if (m === null) return false;
    major = Number(m[1]);
    minor = Number(m[2]);
  } else {
    major = Number.parseInt(version.major, 10);
    minor = Number.parseInt(version.minor, 10);
  }
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major > 1 || (major === 1 && minor >= 28);
}
