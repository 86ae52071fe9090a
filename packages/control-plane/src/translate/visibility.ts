/**
 * Which services a proxy receives config for: a service must be exported to the proxy's
 * namespace (`exportTo`), and when a Sidecar applies to the proxy, match one of its egress
 * `namespace/host` patterns. Scoping keeps each proxy's config as small as what it can reach.
 * Sidecar resources do not apply to gateways (`router` proxies), as in Istio.
 */
import { hostMatches } from '../model/hostnames.ts';
import { labelsMatch, type MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot, SidecarEntry } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';

export const ROOT_NAMESPACE = 'istio-system';

export function exportedTo(service: MeshService, namespace: string): boolean {
  for (const e of service.exportTo) {
    if (e === '*') return true;
    if (e === '.' && service.namespace === namespace) return true;
    if (e === namespace) return true;
  }
  return false;
}

/**
 * The Sidecar that applies to a proxy, by Istio's precedence: one in the proxy's namespace whose
 * workloadSelector matches, else one in its namespace without selector, else one without selector
 * in the root namespace.
 */
export function sidecarFor(snapshot: MeshSnapshot, proxy: ProxyInfo): SidecarEntry | undefined {
  const local = snapshot.sidecars.filter((s) => s.ref.namespace === proxy.namespace);
  const selected = local.find(
    (s) => s.spec.workloadSelector !== undefined && labelsMatch(s.spec.workloadSelector, proxy.labels),
  );
  return (
    selected ??
    local.find((s) => s.spec.workloadSelector === undefined) ??
    snapshot.sidecars.find((s) => s.ref.namespace === ROOT_NAMESPACE && s.spec.workloadSelector === undefined)
  );
}

export function visibleServices(snapshot: MeshSnapshot, proxy: ProxyInfo): MeshService[] {
  const visible = visibilityOf(snapshot, proxy);
  const out: MeshService[] = [];
  for (const s of snapshot.services.values()) if (visible(s)) out.push(s);
  return out.sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}

/** Whether a service is visible to the proxy (see {@link visibleServices}), as a predicate. */
export function visibilityOf(snapshot: MeshSnapshot, proxy: ProxyInfo): (service: MeshService) => boolean {
  // Sidecar resources scope sidecars only; a gateway sees every service exported to its namespace.
  const sidecar = proxy.kind === 'router' ? undefined : sidecarFor(snapshot, proxy);
  // A Sidecar without egress listeners leaves the default: every exported service.
  const egress = sidecar?.spec.egress ?? [];
  const patterns = egress.length > 0 ? egress.flatMap((e) => e.hosts) : undefined;
  return (s) =>
    exportedTo(s, proxy.namespace) &&
    (patterns === undefined || patterns.some((p) => egressMatches(p, s, proxy.namespace, sidecar!)));
}

/** `ns/host`: `*` any namespace, `.` the Sidecar's namespace, `~` none; host may be a wildcard. */
function egressMatches(
  pattern: string,
  service: MeshService,
  proxyNs: string,
  sidecar: SidecarEntry,
): boolean {
  const slash = pattern.indexOf('/');
  const ns = slash < 0 ? '*' : pattern.slice(0, slash);
  const host = slash < 0 ? pattern : pattern.slice(slash + 1);
  if (ns === '~') return false;
  const nsOk =
    ns === '*' ||
    (ns === '.'
      ? service.namespace === sidecar.ref.namespace || service.namespace === proxyNs
      : service.namespace === ns);
  return nsOk && hostMatches(host, service.hostname);
}
