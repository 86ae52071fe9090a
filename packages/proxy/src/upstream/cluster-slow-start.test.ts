import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Cluster, type ClusterLoadAssignment, RESOURCE_TYPE_URLS, validateResource } from '@tandem/api';
import '../builtin.ts';
import { StatsStore } from '../stats/stats.ts';
import { fakeTime } from '../util/testing/fake-time.ts';
import { ClusterRuntime } from './cluster.ts';

function cla(ports: number[]): ClusterLoadAssignment {
  return {
    clusterName: 'c',
    overprovisioningFactor: 140,
    endpoints: [
      {
        locality: undefined,
        loadBalancingWeight: 0,
        priority: 0,
        lbEndpoints: ports.map((p) => ({
          address: { address: '127.0.0.1', portValue: p },
          hostname: '',
          healthStatus: 'HEALTHY' as const,
          loadBalancingWeight: 1,
        })),
      },
    ],
  };
}

function share(cluster: ClusterRuntime, port: number, n = 2000): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (cluster.chooseHost(undefined)?.port === port) hits++;
  return hits / n;
}

describe('slow start', () => {
  it('ramps a new host up over the window, from min_weight_percent', () => {
    const v = validateResource(RESOURCE_TYPE_URLS.cluster, {
      name: 'c',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} } },
      lb_policy: 'ROUND_ROBIN',
      round_robin_lb_config: { slow_start_config: { slow_start_window: '10s' } },
    });
    assert.ok(v.ok);
    const time = fakeTime(1000);
    const cluster = new ClusterRuntime(
      v.resource as Cluster,
      new StatsStore().scope(''),
      undefined,
      Math.random,
      time.clock,
    );
    cluster.updateLoadAssignment(cla([1]));
    cluster.updateLoadAssignment(cla([1, 2]));
    // Weights 1 and 0.1: the newcomer gets 1/11 of the picks (exact over an EDF cycle).
    assert.ok(Math.abs(share(cluster, 2) - 1 / 11) < 0.01);
    time.advance(5000);
    cluster.updateLoadAssignment(cla([1, 2]));
    assert.ok(Math.abs(share(cluster, 2) - 1 / 3) < 0.01);
    time.advance(5000);
    cluster.updateLoadAssignment(cla([1, 2]));
    assert.ok(Math.abs(share(cluster, 2) - 1 / 2) < 0.01);
    cluster.shutdown();
  });
});
