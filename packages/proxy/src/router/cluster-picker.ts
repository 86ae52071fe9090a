import type { ClusterSpecifier } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { compileHeaderMutations, type HeaderMutationLevel } from './header-mutations.ts';
import { readFirstRequestHeader } from './request-header-value.ts';
import type { ConfigPath } from './route-config-error.ts';

/** The cluster a request goes to, with the header mutations of its weighted-cluster entry (if any). */
export interface ClusterChoice {
  readonly name: string;
  readonly requestMutations: HeaderMutationLevel | undefined;
  readonly responseMutations: HeaderMutationLevel | undefined;
}

/** Picks the upstream cluster of a route per request. */
export interface ClusterPicker {
  /**
   * `randomUint` is any non-negative integer (e.g. a random uint32); only weighted clusters read it.
   * Returns undefined when `cluster_header` names a header the request does not carry (or carries
   * empty): the router then answers like Envoy for an unknown cluster (503, flag NC).
   */
  pick(head: RequestHead, randomUint: number): ClusterChoice | undefined;
  /** The cluster when the route always goes to one (`cluster`), else undefined. */
  readonly fixedName?: string;
}

class FixedCluster implements ClusterPicker {
  readonly choice: ClusterChoice;
  readonly fixedName: string;
  constructor(name: string) {
    this.choice = { name, requestMutations: undefined, responseMutations: undefined };
    this.fixedName = name;
  }
  pick(): ClusterChoice {
    return this.choice;
  }
}

/**
 * Envoy's weighted split: `randomUint % totalWeight` falls into exactly one cluster's interval
 * `[sum of earlier weights, sum including this one)`. A zero-weight cluster is never chosen.
 */
export class WeightedClusters implements ClusterPicker {
  readonly choices: readonly ClusterChoice[];
  /** `ends[i]` = sum of weights of clusters 0..i. */
  readonly ends: readonly number[];
  readonly totalWeight: number;

  constructor(choices: ClusterChoice[], weights: number[]) {
    this.choices = choices;
    let sum = 0;
    this.ends = weights.map((w) => (sum += w));
    this.totalWeight = sum;
  }

  pick(_head: RequestHead, randomUint: number): ClusterChoice {
    const selected = randomUint % this.totalWeight;
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) if (selected < ends[i]!) return this.choices[i]!;
    return this.choices[this.choices.length - 1]!;
  }
}

class HeaderCluster implements ClusterPicker {
  readonly header: string;
  constructor(header: string) {
    this.header = header.toLowerCase();
  }
  pick(head: RequestHead): ClusterChoice | undefined {
    const name = readFirstRequestHeader(head, this.header);
    if (name === undefined || name === '') return undefined;
    return { name, requestMutations: undefined, responseMutations: undefined };
  }
}

/**
 * Compiles a cluster specifier. Weighted clusters use the sum of their weights; `totalWeight` from
 * the config is ignored, as current Envoy does (the field is deprecated there).
 */
export function compileClusterPicker(spec: ClusterSpecifier, at: ConfigPath): ClusterPicker {
  switch (spec.kind) {
    case 'cluster':
      if (spec.name === '') throw at.at('name').error('cluster name must not be empty');
      return new FixedCluster(spec.name);
    case 'clusterHeader':
      if (spec.header === '') throw at.at('header').error('cluster header name must not be empty');
      return new HeaderCluster(spec.header);
    case 'weightedClusters':
      return compileWeighted(spec.clusters, at.at('clusters'));
  }
}

function compileWeighted(
  clusters: Extract<ClusterSpecifier, { kind: 'weightedClusters' }>['clusters'],
  at: ConfigPath,
): WeightedClusters {
  if (clusters.length === 0) throw at.error('weighted clusters need at least one cluster');
  const weights: number[] = [];
  const choices = clusters.map((c, i): ClusterChoice => {
    if (c.name === '') throw at.at(i).at('name').error('cluster name must not be empty');
    if (!Number.isInteger(c.weight) || c.weight < 0)
      throw at.at(i).at('weight').error('weight must be an integer >= 0');
    weights.push(c.weight);
    const m = compileHeaderMutations(c.headers, at.at(i).at('headers'));
    return { name: c.name, requestMutations: m.request, responseMutations: m.response };
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw at.error('the sum of weights must be greater than 0');
  if (total > 0xffffffff) throw at.error('the sum of weights must not exceed 4294967295');
  return new WeightedClusters(choices, weights);
}
