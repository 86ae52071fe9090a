import type { Host } from '../host.ts';

/**
 * Picks one host from a fixed list, built once per priority-set snapshot. This is the piece
 * each balancer policy supplies; priority and locality selection wrap it. `hash` is the
 * request's hash (undefined when none); only consistent-hashing pickers read it.
 */
export interface HostPicker {
  pick(hash: number | undefined): Host | undefined;
}

/** Builds a picker over a list of hosts (healthy ones, or all of them in panic). */
export type HostPickerBuilder = (hosts: readonly Host[]) => HostPicker;

/** The picker of an empty host list. */
export const NO_HOST: HostPicker = { pick: () => undefined };

/** True when every host has the same weight (so a cheaper unweighted path applies). */
export function hasUniformWeights(hosts: readonly Host[]): boolean {
  for (let i = 1; i < hosts.length; i++) {
    if (hosts[i].weight !== hosts[0].weight) return false;
  }
  return true;
}
