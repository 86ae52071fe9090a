import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_LOAD_BALANCERS, registerBuiltinLoadBalancers } from './builtin.ts';
import { LB_CONFIG_ERROR_CODE } from './lb-error.ts';
import { getLoadBalancerFactory, registerLoadBalancer } from './lb-registry.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { makeHosts, testCluster } from './test-helpers.ts';

describe('load balancer registry', () => {
  it('resolves every built-in policy once registered, and tolerates registering twice', () => {
    registerBuiltinLoadBalancers();
    registerBuiltinLoadBalancers();
    const policies = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'] as const;
    for (const policy of policies) {
      const factory = getLoadBalancerFactory(policy);
      assert.equal(factory?.policy, policy);
      const hosts = makeHosts(3);
      const lb = factory!.create(buildPrioritySet(hosts), testCluster({ lbPolicy: policy }), mulberry32(1));
      assert.ok(hosts.includes(lb.chooseHost({ hash: 42 })!));
    }
    assert.equal(BUILTIN_LOAD_BALANCERS.length, policies.length);
  });

  it('refuses a second factory for a taken policy', () => {
    registerBuiltinLoadBalancers();
    const impostor: LoadBalancerFactory = {
      policy: 'RANDOM',
      create: () => ({ chooseHost: () => undefined }),
    };
    assert.throws(
      () => registerLoadBalancer(impostor),
      (err: Error & { code?: string }) => err.code === LB_CONFIG_ERROR_CODE && /RANDOM/.test(err.message),
    );
    assert.notEqual(getLoadBalancerFactory('RANDOM'), impostor);
  });
});
