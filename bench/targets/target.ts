import type { Cleanup } from '../proc/cleanup.ts';

export type TargetName =
  | 'direct'
  | 'tandem'
  | 'tandem-accesslog'
  | 'tandem-tracing'
  | 'tandem-resilience'
  | 'haproxy'
  | 'nginx'
  | 'tandem-pair'
  | 'tandem-mtls';

/**
 * Tandem with one feature switched on (metrics are always on, in every Tandem row): a telemetry
 * feature, or the resilience setup a mesh route usually has (retries, outlier detection, a
 * least-request cluster of three endpoints).
 */
export type TandemVariant = 'plain' | 'accesslog' | 'tracing' | 'resilience';

/** What every target needs to start: where the backend is, which CPU the proxy gets, who cleans up. */
export interface TargetContext {
  backendPort: number;
  /** CPU for the proxy under test (`taskset -c`), or undefined to run unpinned. */
  proxyCpu: number | undefined;
  cleanup: Cleanup;
  /** How long a proxy may take to become ready. */
  readyTimeoutMs: number;
}

/** A started target: the port load is sent to, and the processes charged for CPU and memory. */
export interface RunningTarget {
  port: number;
  /** PIDs (process tree) whose CPU and RSS are the proxy's; [] for the direct target. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface Target {
  name: TargetName;
  /** Human label with version, e.g. "HAProxy 2.6.12". */
  label: string;
  /** False only for `direct`, which has no proxy process to measure. */
  isProxy: boolean;
  /** Why this target cannot run on this machine (missing binary, not built yet), or undefined. */
  unavailableReason(): string | undefined;
  start(context: TargetContext): Promise<RunningTarget>;
}
