/**
 * Kubernetes core/v1 Service, as a way to declare a mesh service: its selector, cluster IP, type and ports.
 * Each port's mesh protocol is derived the way Istio does (appProtocol, then the name prefix, else TCP).
 */

import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { describeJson, type Schema } from '../../envoy/schema/schema.ts';
import { checkFqdn, isDns1123Label } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, portNumber } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import { protocolFromPort } from '../core/protocol.ts';
import type { KubeService } from '../types.ts';
import { meshIrrelevant } from './kube-fields.ts';

/** A target port: a number 1..65535 or a named container port. */
export const targetPort: Schema<number | string> = {
  typeName: 'IntOrString',
  parse(raw, ctx) {
    if (typeof raw === 'string' && !/^\d+$/.test(raw)) {
      if (!isDns1123Label(raw) || raw.length > 15) invalid(ctx, `"${raw}" is not a valid port name`);
      return raw;
    }
    if (typeof raw !== 'number' && typeof raw !== 'string') {
      ctx.error(ConfigIssueCode.type, `expected a port number or name, got ${describeJson(raw)}`);
      return undefined;
    }
    return portNumber.parse(Number(raw), ctx);
  },
};

export const transportProtocol = enumOf('Protocol', { TCP: 0, UDP: 1, SCTP: 2 });

const servicePort = message({
  name: 'k8s.io.api.core.v1.ServicePort',
  fields: {
    name: withDefault(str, ''),
    port: required(portNumber),
    targetPort: optional(targetPort),
    protocol: withDefault(transportProtocol, 'TCP'),
    appProtocol: withDefault(str, ''),
    nodePort: optional(meshIrrelevant),
  },
  build: (v, ctx) => {
    if (v.name !== '' && !isDns1123Label(v.name))
      invalid(ctx.field('name'), `invalid port name "${v.name}": it must be a DNS-1123 label`);
    return {
      name: v.name,
      port: v.port,
      targetPort: v.targetPort ?? v.port,
      protocol: v.protocol,
      appProtocol: v.appProtocol,
      meshProtocol: protocolFromPort(v.name, v.appProtocol, v.protocol),
    };
  },
});

const ports = listOf(servicePort, {
  unique: [
    { key: (p) => p.name || undefined, message: (n, i) => `port name "${n}" is already used by ports[${i}]` },
    {
      key: (p) => `${p.port}/${p.protocol}`,
      message: (n, i) => `port ${n} is already defined by ports[${i}]`,
    },
  ],
});

const IRRELEVANT = [
  'clusterIPs',
  'sessionAffinity',
  'sessionAffinityConfig',
  'externalTrafficPolicy',
  'internalTrafficPolicy',
  'ipFamilies',
  'ipFamilyPolicy',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'loadBalancerClass',
  'publishNotReadyAddresses',
  'healthCheckNodePort',
  'externalIPs',
  'allocateLoadBalancerNodePorts',
  'trafficDistribution',
];

export const kubeService: Schema<KubeService> = message({
  name: 'k8s.io.api.core.v1.ServiceSpec',
  fields: {
    selector: optional(labelMap()),
    clusterIP: withDefault(str, ''),
    type: withDefault(
      enumOf('ServiceType', { ClusterIP: 0, NodePort: 1, LoadBalancer: 2, ExternalName: 3 }),
      'ClusterIP',
    ),
    externalName: withDefault(str, ''),
    ports: withDefault(ports, []),
    ...Object.fromEntries(IRRELEVANT.map((name) => [name, optional(meshIrrelevant)])),
  },
  build: (v, ctx) => {
    if (v.clusterIP !== '' && v.clusterIP !== 'None' && !isIpAddress(v.clusterIP))
      invalid(ctx.field('clusterIP'), `"${v.clusterIP}" is not an IP address or "None"`);
    if (v.type === 'ExternalName' && checkFqdn(v.externalName) !== undefined)
      invalid(ctx.field('externalName'), 'an ExternalName Service needs a DNS name in externalName');
    if (v.ports.length > 1 && v.ports.some((p) => p.name === ''))
      invalid(ctx.field('ports'), 'every port needs a name when a Service has several ports');
    return {
      selector: v.selector,
      clusterIP: v.clusterIP,
      type: v.type,
      externalName: v.externalName,
      ports: v.ports,
    };
  },
});
