/**
 * Under STRICT mTLS the kubelet, which has no mesh certificate, cannot reach the app's HTTP probes
 * through the sidecar. So each HTTP liveness/readiness/startup probe is pointed at the agent
 * (`/app-health/<container>/<livez|readyz|startupz>` on the agent port), and the original probe is
 * handed to the agent in the `TANDEM_APP_PROBERS` env (JSON, named ports resolved to numbers): the
 * agent, running as the proxy's UID and so exempt from interception, calls the app on localhost.
 * Probe timing fields are kept; exec, tcpSocket and gRPC probes are left alone.
 */
import { SidecarPorts } from './inject-settings.ts';
import type { Container, HttpGetAction, Probe } from './kube-pod.ts';

/** What the agent needs to run one original probe. */
export interface AppProber {
  httpGet: {
    path?: string;
    port: number;
    host?: string;
    scheme?: string;
    httpHeaders?: HttpGetAction['httpHeaders'];
  };
  timeoutSeconds?: number;
}

const KINDS = [
  ['livenessProbe', 'livez'],
  ['readinessProbe', 'readyz'],
  ['startupProbe', 'startupz'],
] as const;

export function appProbePath(container: string, kind: 'livez' | 'readyz' | 'startupz'): string {
  return `/app-health/${container}/${kind}`;
}

function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function originalProber(get: HttpGetAction, port: number, probe: Probe): AppProber {
  const httpGet: AppProber['httpGet'] = { port };
  if (get.path !== undefined) httpGet.path = get.path;
  if (get.host !== undefined) httpGet.host = get.host;
  if (get.scheme !== undefined && get.scheme !== 'HTTP') httpGet.scheme = get.scheme;
  if (get.httpHeaders !== undefined) httpGet.httpHeaders = get.httpHeaders;
  const out: AppProber = { httpGet };
  if (probe.timeoutSeconds !== undefined) out.timeoutSeconds = probe.timeoutSeconds;
  return out;
}

/**
 * Rewrites the HTTP probes of `containers` in place (they are the injector's own copies) and
 * returns the originals by agent path. A probe on a named port the container does not declare is
 * left as it is (the kubelet would fail it the same way).
 */
export function rewriteAppProbes(containers: Container[]): Record<string, AppProber> {
  const probers: Record<string, AppProber> = {};
  for (const c of containers) {
    for (const [field, kind] of KINDS) {
      const probe = c[field];
      const get = probe?.httpGet;
      if (probe === undefined || get === undefined) continue;
      const port = resolvePort(get.port, c);
      if (port === undefined) continue;
      const path = appProbePath(c.name, kind);
      probers[path] = originalProber(get, port, probe);
      c[field] = { ...probe, httpGet: { path, port: SidecarPorts.agent } };
    }
  }
  return probers;
}
