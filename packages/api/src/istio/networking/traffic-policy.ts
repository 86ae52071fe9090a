/** TrafficPolicy (for a host, a subset or a port): load balancing, connection pool, outlier detection, TLS. */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { uint32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid, notApplied, portNumber } from '../core/istio-fields.ts';
import type { TrafficPolicy } from '../types.ts';
import { clientTlsSettings } from './client-tls.ts';
import { connectionPoolSettings } from './connection-pool.ts';
import { portSelector } from './destination.ts';
import { loadBalancerSettings } from './load-balancer.ts';
import { outlierDetection } from './outlier-detection.ts';

const portFields = {
  loadBalancer: optional(loadBalancerSettings),
  connectionPool: optional(connectionPoolSettings),
  outlierDetection: optional(outlierDetection),
  tls: optional(clientTlsSettings),
};

const FIELDS = [
  'loadBalancer',
  'connectionPool',
  'outlierDetection',
  'tls',
  'portLevelSettings',
  'tunnel',
  'proxyProtocol',
];

function requireSomeField(
  raw: Readonly<Record<string, unknown>>,
  names: string[],
  what: string,
  ctx: ValidationContext,
) {
  if (!names.some((name) => raw[name] != null))
    invalid(ctx, `${what} needs at least one of ${names.join(', ')}`);
  return ctx;
}

const portTrafficPolicy = message({
  name: 'istio.networking.v1.TrafficPolicy.PortTrafficPolicy',
  fields: { port: required(portSelector), ...portFields },
  enter: (raw, ctx) => requireSomeField(raw, FIELDS.slice(0, 4), 'a port traffic policy', ctx),
  build: (v) => ({
    port: v.port,
    loadBalancer: v.loadBalancer,
    connectionPool: v.connectionPool,
    outlierDetection: v.outlierDetection,
    tls: v.tls,
  }),
});

const tunnel = message({
  name: 'istio.networking.v1.TrafficPolicy.TunnelSettings',
  fields: {
    protocol: withDefault(str, 'CONNECT'),
    targetHost: required(str),
    targetPort: required(portNumber),
  },
  build: (v, ctx) => {
    if (v.protocol !== 'CONNECT' && v.protocol !== 'POST')
      invalid(ctx.field('protocol'), 'tunnel protocol must be "CONNECT" or "POST"');
    return true;
  },
});

const proxyProtocol = message({
  name: 'istio.networking.v1.TrafficPolicy.ProxyProtocol',
  fields: { version: optional(enumOf('VERSION', { V1: 0, V2: 1 })) },
  build: () => true,
});

export const trafficPolicy: Schema<TrafficPolicy> = message({
  name: 'istio.networking.v1.TrafficPolicy',
  fields: {
    ...portFields,
    portLevelSettings: withDefault(listOf(portTrafficPolicy), []),
    tunnel: optional(notApplied(tunnel, 'tunneling (CONNECT/POST)')),
    proxyProtocol: optional(notApplied(proxyProtocol, 'PROXY protocol to upstreams')),
    retryBudget: optional(
      notApplied(
        message({
          name: 'istio.networking.v1.TrafficPolicy.RetryBudget',
          fields: { percent: optional(uint32()), minRetryConcurrency: optional(uint32()) },
          build: () => true,
        }),
        'retry budgets',
      ),
    ),
  },
  enter: (raw, ctx) => {
    if (raw.tunnel != null && raw.proxyProtocol != null)
      invalid(ctx, 'tunnel and proxyProtocol cannot be set together');
    return requireSomeField(raw, [...FIELDS, 'retryBudget'], 'a traffic policy', ctx);
  },
  build: (v) => ({
    loadBalancer: v.loadBalancer,
    connectionPool: v.connectionPool,
    outlierDetection: v.outlierDetection,
    tls: v.tls,
    portLevelSettings: v.portLevelSettings,
  }),
});
