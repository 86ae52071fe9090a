/**
 * The interception init step: `tandem iptables` with the pod's capture ports and exclusions, run as
 * root with NET_ADMIN/NET_RAW only, before anything else in the pod uses the network. The proxy's
 * own traffic (its UID) and its ports (agent, health) are exempt. Flags, in the order written:
 *
 *   --proxy-uid N (REDIRECT mode; TPROXY is refused when the annotation is read)
 *   --inbound-port 15006 --outbound-port 15001
 *   --inbound-ports '*'|list  --exclude-inbound-ports list
 *   --include-outbound-cidrs '*'|list --exclude-outbound-cidrs list
 *   [--include-outbound-ports list] [--exclude-outbound-ports list]
 */
import { SidecarNames, SidecarPorts } from './inject-settings.ts';
import type { Container } from './kube-pod.ts';
import type { PodOverrides } from './pod-overrides.ts';

export function iptablesArgs(o: PodOverrides, proxyUid: number): string[] {
  const excludeInbound = [SidecarPorts.agent, SidecarPorts.health, ...o.excludeInboundPorts];
  const args = [
    'iptables',
    '--proxy-uid',
    String(proxyUid),
    '--inbound-port',
    String(SidecarPorts.inbound),
    '--outbound-port',
    String(SidecarPorts.outbound),
    '--inbound-ports',
    o.includeInboundPorts,
    '--exclude-inbound-ports',
    [...new Set(excludeInbound)].join(','),
    '--include-outbound-cidrs',
    o.includeOutboundCidrs,
    '--exclude-outbound-cidrs',
    o.excludeOutboundCidrs.join(','),
  ];
  if (o.includeOutboundPorts.length > 0)
    args.push('--include-outbound-ports', o.includeOutboundPorts.join(','));
  if (o.excludeOutboundPorts.length > 0)
    args.push('--exclude-outbound-ports', o.excludeOutboundPorts.join(','));
  return args;
}

export function buildInitContainer(
  o: PodOverrides,
  proxyUid: number,
  pullPolicy: string | undefined,
): Container {
  const c: Container = {
    name: SidecarNames.init,
    image: o.proxyImage,
    args: iptablesArgs(o, proxyUid),
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
  if (pullPolicy !== undefined) c.imagePullPolicy = pullPolicy;
  return c;
}
