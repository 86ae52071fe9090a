import type { LbPolicy } from '@tandem/api/envoy';
import { LoadBalancerConfigError } from './lb-error.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';

/**
 * Load-balancer factories by policy name. Core code looks a factory up here and never imports
 * a concrete balancer; `builtin.ts` registers the built-in ones.
 */
const factories = new Map<LbPolicy, LoadBalancerFactory>();

/**
 * Registers a factory for its policy. Registering the same factory again is a no-op; a
 * different factory for a taken policy is an error (two owners of one name is a bug).
 */
export function registerLoadBalancer(factory: LoadBalancerFactory): void {
  const existing = factories.get(factory.policy);
  if (existing === factory) return;
  if (existing) {
    throw new LoadBalancerConfigError(`load balancer policy ${factory.policy} is already registered`);
  }
  factories.set(factory.policy, factory);
}

/** The factory registered for `policy`, or undefined when none is. */
export function getLoadBalancerFactory(policy: LbPolicy): LoadBalancerFactory | undefined {
  return factories.get(policy);
}
