import { registerLoadBalancer } from './lb-registry.ts';
import { leastRequestFactory } from './least-request-lb.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';
import { maglevFactory } from './maglev-lb.ts';
import { randomFactory } from './random-lb.ts';
import { ringHashFactory } from './ring-hash-lb.ts';
import { roundRobinFactory } from './round-robin-lb.ts';

/** Every load balancer Tandem ships, one per Envoy `lb_policy`. */
export const BUILTIN_LOAD_BALANCERS: readonly LoadBalancerFactory[] = [
  roundRobinFactory,
  leastRequestFactory,
  randomFactory,
  ringHashFactory,
  maglevFactory,
];

/** Registers the built-in balancers; safe to call more than once. Call it once at startup. */
export function registerBuiltinLoadBalancers(): void {
  for (const factory of BUILTIN_LOAD_BALANCERS) registerLoadBalancer(factory);
}
