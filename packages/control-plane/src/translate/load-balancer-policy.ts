/**
 * DestinationRule `loadBalancer` -> cluster `lb_policy` and its config: simple policies, consistent
 * hashing (ring hash or Maglev; the hash key goes on the route), and warm-up as slow start for
 * round robin and least request.
 */
import type { LoadBalancerSettings } from '@tandem/api/istio';
import { type Capabilities, sendsToOriginalDestination } from './capabilities.ts';
import { duration, type Json } from './xds-resources.ts';

const SIMPLE: Record<string, string> = {
  ROUND_ROBIN: 'ROUND_ROBIN',
  UNSPECIFIED: 'ROUND_ROBIN',
  LEAST_REQUEST: 'LEAST_REQUEST',
  LEAST_CONN: 'LEAST_REQUEST',
  RANDOM: 'RANDOM',
};

export function applyLoadBalancer(
  cluster: Json,
  lb: LoadBalancerSettings | undefined,
  caps: Capabilities,
  notes: string[],
  name: string,
): void {
  if (lb === undefined || lb.kind === 'default') {
    cluster['lb_policy'] = 'ROUND_ROBIN';
  } else if (sendsToOriginalDestination(caps, lb)) {
    cluster['lb_policy'] = 'CLUSTER_PROVIDED';
  } else if (lb.kind === 'simple') {
    if (lb.simple === 'PASSTHROUGH')
      notes.push(
        `${name}: loadBalancer PASSTHROUGH applies to sidecars with transparent interception only (elsewhere: round robin)`,
      );
    cluster['lb_policy'] = SIMPLE[lb.simple] ?? 'ROUND_ROBIN';
  } else {
    const algo = lb.consistentHash.algorithm;
    if (algo.kind === 'maglev') {
      cluster['lb_policy'] = 'MAGLEV';
      cluster['maglev_lb_config'] = { table_size: algo.tableSize };
    } else {
      cluster['lb_policy'] = 'RING_HASH';
      cluster['ring_hash_lb_config'] = { minimum_ring_size: algo.minimumRingSize };
    }
  }
  if (lb?.warmup !== undefined) applyWarmup(cluster, lb.warmup, notes, name);
}

/** Warm-up is Envoy's slow start, which round robin and least request support. */
function applyWarmup(
  cluster: Json,
  w: NonNullable<LoadBalancerSettings['warmup']>,
  notes: string[],
  name: string,
): void {
  const policy = cluster['lb_policy'];
  const key =
    policy === 'ROUND_ROBIN'
      ? 'round_robin_lb_config'
      : policy === 'LEAST_REQUEST'
        ? 'least_request_lb_config'
        : '';
  if (key === '') {
    notes.push(`${name}: warmup not applied (only ROUND_ROBIN and LEAST_REQUEST support it)`);
    return;
  }
  cluster[key] = {
    slow_start_config: {
      slow_start_window: duration(w.durationMs),
      aggression: { default_value: w.aggression, runtime_key: '' },
      min_weight_percent: { value: w.minimumPercent },
    },
  };
}
