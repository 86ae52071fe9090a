/**
 * The sidecar container: `tandem sidecar` (proxy + agent) as the proxy UID, non-root, read-only root
 * file system, no capabilities. Its identity comes from the downward API (pod name, namespace, IPs,
 * service account, labels file); the rest from injection settings as `TANDEM_*` env. The agent turns
 * these into the xDS node the control plane expects:
 * `sidecar~<podIP>~<pod>.<ns>~<ns>.svc.cluster.local` with NAMESPACE, LABELS, SERVICE_ACCOUNT,
 * WORKLOAD_NAME, CLUSTER_ID and INTERCEPTION_MODE metadata.
 */
import { type InjectSettings, SidecarNames, SidecarPorts } from './inject-settings.ts';
import type { Container, EnvVar } from './kube-pod.ts';
import type { PodOverrides } from './pod-overrides.ts';
import type { AppProber } from './rewrite-probes.ts';

export interface ProxyContainerInput {
  settings: InjectSettings;
  overrides: PodOverrides;
  /** Native sidecar: an init container with `restartPolicy: Always`. */
  native: boolean;
  appContainers: readonly Container[];
  workload: { name: string; owner: string };
  probers: Record<string, AppProber>;
}

const field = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const value = (name: string, v: string): EnvVar => ({ name, value: v });

function podPorts(apps: readonly Container[]): string {
  const ports = apps.flatMap((c) => c.ports ?? []);
  return JSON.stringify(
    ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
  );
}

function proxyEnv(input: ProxyContainerInput): EnvVar[] {
  const { settings, overrides, workload } = input;
  const env: EnvVar[] = [
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('INSTANCE_IP', 'status.podIP'),
    field('INSTANCE_IPS', 'status.podIPs'),
    field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    field('HOST_IP', 'status.hostIP'),
    field('NODE_NAME', 'spec.nodeName'),
    { name: 'PROXY_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
    value('TANDEM_CONTROL_PLANE', settings.controlPlaneAddress),
    value('TANDEM_CA_ADDR', settings.caAddress),
    value('TANDEM_TOKEN_FILE', `${SidecarNames.mounts.token}/${SidecarNames.volumes.token}`),
    value('TANDEM_BOOTSTRAP_DIR', SidecarNames.mounts.bootstrap),
    value('TANDEM_POD_INFO_DIR', SidecarNames.mounts.podInfo),
    value('TRUST_DOMAIN', settings.trustDomain),
    value('TANDEM_META_CLUSTER_ID', settings.clusterId),
    value('TANDEM_META_INTERCEPTION_MODE', overrides.interceptionMode),
    value('TANDEM_META_WORKLOAD_NAME', workload.name),
    value('TANDEM_META_OWNER', workload.owner),
    value('TANDEM_META_APP_CONTAINERS', input.appContainers.map((c) => c.name).join(',')),
    value('TANDEM_META_POD_PORTS', podPorts(input.appContainers)),
  ];
  if (overrides.proxyConfigJson !== '') env.push(value('PROXY_CONFIG', overrides.proxyConfigJson));
  if (Object.keys(input.probers).length > 0)
    env.push(value('TANDEM_APP_PROBERS', JSON.stringify(input.probers)));
  for (const [k, v] of Object.entries(overrides.proxyMetadata)) env.push(value(k, v));
  return env;
}

const readyProbe = (periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path: '/healthz/ready', port: SidecarPorts.health },
  periodSeconds,
  timeoutSeconds: 3,
  failureThreshold,
});

export function buildProxyContainer(input: ProxyContainerInput): Container {
  const { settings, overrides, native } = input;
  const hold = overrides.holdApplicationUntilProxyStarts;
  const c: Container = {
    name: SidecarNames.proxy,
    image: overrides.proxyImage,
    args: ['sidecar'],
    env: proxyEnv(input),
    ports: [{ containerPort: SidecarPorts.agent, name: 'tandem-agent', protocol: 'TCP' }],
    readinessProbe: readyProbe(15, 4),
    resources: structuredClone(overrides.resources),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: settings.proxyUid,
      runAsNonRoot: true,
      runAsUser: settings.proxyUid,
    },
    volumeMounts: [
      { name: SidecarNames.volumes.bootstrap, mountPath: SidecarNames.mounts.bootstrap },
      { name: SidecarNames.volumes.podInfo, mountPath: SidecarNames.mounts.podInfo },
      { name: SidecarNames.volumes.token, mountPath: SidecarNames.mounts.token },
      { name: SidecarNames.volumes.caRoot, mountPath: SidecarNames.mounts.caRoot },
    ],
  };
  if (settings.imagePullPolicy !== undefined) c.imagePullPolicy = settings.imagePullPolicy;
  if (native) {
    c.restartPolicy = 'Always';
    // The kubelet starts the next container only once a native sidecar's startup probe passes.
    if (hold) c.startupProbe = readyProbe(1, 600);
  } else if (hold) {
    // Classic sidecar: the proxy is the first container and its postStart hook returns only once it
    // is ready; the kubelet starts the next container after the hook.
    c.lifecycle = { postStart: { exec: { command: ['tandem', 'sidecar-wait', '--timeout-s', '600'] } } };
  }
  return c;
}
