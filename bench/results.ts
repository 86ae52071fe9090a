import type { CriterionResult } from './criteria.ts';
import type { TargetRound } from './measure-target.ts';
import type { HandshakeResult } from './mtls/handshake-rate.ts';
import type { BenchOptions } from './options.ts';
import type { TargetSummary } from './summarize.ts';

/** The JSON document written to .bench/results-<timestamp>.json. */
export interface BenchResults {
  schema: 'tandem-bench/1';
  startedAt: string;
  finishedAt: string;
  /** busyCpusBeforeStart: CPU use of everything else on the machine just before the run (1.0 = one core). */
  machine: { cpus: number; cpuModel: string; kernel: string; node: string; busyCpusBeforeStart: number };
  tools: { haproxy: string; nginx: string; wrk: string };
  tandem: { root: string; commit: string };
  options: BenchOptions;
  /** How processes were placed on CPUs, in words. */
  pinning: string;
  /** Targets with medians across rounds, added latency and ratios. */
  targets: TargetSummary[];
  criteria: CriterionResult[];
  /** New mutual TLS connections into one Tandem sidecar (when tandem-mtls is selected). */
  handshakes?: HandshakeResult | { error: string };
  /** Every raw measurement, per round and target. */
  rounds: TargetRound[];
}
