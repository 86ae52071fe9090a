/**
 * Time as the proxy reads it. Production uses the monotonic clock; tests inject their own so that
 * timing logic runs without sleeping.
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  nowMs(): number;
  /** Wall-clock milliseconds since the epoch (for logs and headers). */
  wallMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
};
