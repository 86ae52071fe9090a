/** Kubernetes core/v1 Endpoints (the top-level `subsets`) and discovery.k8s.io/v1 EndpointSlice. */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { bool, str } from '../../envoy/schema/scalars.ts';
import { refine, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkFqdn } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, portNumber } from '../core/istio-fields.ts';
import type { KubeEndpointSlice, KubeEndpoints } from '../types.ts';
import { meshIrrelevant, objectReference } from './kube-fields.ts';
import { transportProtocol } from './service.ts';

const ip = refine(str, (value: string, ctx: ValidationContext) => {
  if (!isIpAddress(value)) invalid(ctx, `"${value}" is not an IP address`);
});

const endpointAddress = message({
  name: 'k8s.io.api.core.v1.EndpointAddress',
  fields: {
    ip: required(ip),
    hostname: withDefault(str, ''),
    nodeName: optional(meshIrrelevant),
    targetRef: optional(objectReference),
  },
  build: (v) => ({ ip: v.ip, hostname: v.hostname, targetRef: v.targetRef }),
});

const endpointPort = message({
  name: 'k8s.io.api.core.v1.EndpointPort',
  fields: {
    name: withDefault(str, ''),
    port: required(portNumber),
    protocol: withDefault(transportProtocol, 'TCP'),
    appProtocol: withDefault(str, ''),
  },
  build: (v) => ({ name: v.name, port: v.port, protocol: v.protocol, appProtocol: v.appProtocol }),
});

const subset = message({
  name: 'k8s.io.api.core.v1.EndpointSubset',
  fields: {
    addresses: withDefault(listOf(endpointAddress), []),
    notReadyAddresses: withDefault(listOf(endpointAddress), []),
    ports: withDefault(listOf(endpointPort), []),
  },
  build: (v) => ({
    addresses: v.addresses,
    notReadyAddresses: v.notReadyAddresses.map((a) => ({ ip: a.ip })),
    ports: v.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
  }),
});

/** Endpoints: validated from the object's top level (Endpoints has no `spec`). */
export const kubeEndpoints: Schema<KubeEndpoints> = message({
  name: 'k8s.io.api.core.v1.Endpoints',
  fields: { subsets: withDefault(listOf(subset), []) },
  build: (v) => ({ subsets: v.subsets }),
});

const conditions = message({
  name: 'k8s.io.api.discovery.v1.EndpointConditions',
  fields: { ready: optional(bool), serving: optional(bool), terminating: optional(bool) },
  build: (v) => v.ready ?? true,
});

const sliceEndpoint = message({
  name: 'k8s.io.api.discovery.v1.Endpoint',
  fields: {
    addresses: required(listOf(str, { minItems: 1, maxItems: 100 })),
    conditions: withDefault(conditions, true),
    hostname: optional(meshIrrelevant),
    targetRef: optional(objectReference),
    nodeName: withDefault(str, ''),
    zone: withDefault(str, ''),
    hints: optional(meshIrrelevant),
    deprecatedTopology: optional(meshIrrelevant),
  },
  build: (v) => ({
    addresses: v.addresses,
    ready: v.conditions,
    zone: v.zone,
    nodeName: v.nodeName,
    targetRef: v.targetRef === undefined ? undefined : { kind: v.targetRef.kind, name: v.targetRef.name },
  }),
});

function checkAddresses(
  slice: { addressType: string; endpoints: { addresses: string[] }[] },
  ctx: ValidationContext,
) {
  slice.endpoints.forEach((endpoint, e) => {
    endpoint.addresses.forEach((address, a) => {
      const at = ctx.field('endpoints').item(e).field('addresses').item(a);
      const ok =
        slice.addressType === 'FQDN'
          ? checkFqdn(address) === undefined
          : isIpAddress(address) && address.includes(':') === (slice.addressType === 'IPv6');
      if (!ok) invalid(at, `"${address}" is not an ${slice.addressType} address`);
    });
  });
}

/** EndpointSlice: validated from the object's top level; `serviceName` is filled in from the labels later. */
export const kubeEndpointSlice: Schema<KubeEndpointSlice> = message({
  name: 'k8s.io.api.discovery.v1.EndpointSlice',
  fields: {
    addressType: required(enumOf('AddressType', { IPv4: 0, IPv6: 1, FQDN: 2 })),
    endpoints: withDefault(listOf(sliceEndpoint), []),
    ports: withDefault(listOf(endpointPort), []),
  },
  build: (v, ctx) => {
    checkAddresses(v, ctx);
    return { serviceName: '', addressType: v.addressType, endpoints: v.endpoints, ports: v.ports };
  },
});
