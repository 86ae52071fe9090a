/**
 * A small seeded pseudo-random generator (mulberry32) with the same shape as `Math.random`:
 * returns floats in [0, 1). Load balancers take their randomness as a `() => number`, so tests
 * (and reproducible simulations) inject this one; production passes `Math.random`.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random(); // the same sequence on every run
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
