/**
 * What the control plane reports about itself during one phase, from two scrapes of its
 * /metrics: pushes and their time (pilot_xds_push_time), Istio's convergence histogram
 * (pilot_proxy_convergence_time), responses sent per type (pilot_xds_pushes), and Tandem's
 * translation and snapshot-building time (tandem_xds_build_seconds).
 */
import { bucketQuantile, histogramDelta, type PromSamples, sampleValue } from './prometheus-text.ts';

export interface ServerDelta {
  /** Debounced pushes (translate + publish for every connected proxy). */
  readonly pushes: number;
  readonly pushMs: number;
  /** pilot_proxy_convergence_time: observations, mean and the bucket bound of p99 (ms). */
  readonly convergence: {
    readonly count: number;
    readonly meanMs: number | null;
    readonly p99BucketMs: number | null;
  };
  /** Translations computed (proxies with equal inputs share one) and their total time. */
  readonly translations: number;
  readonly translateMs: number;
  /** Snapshots built from translations (encoding into protobuf Any) and their total time. */
  readonly snapshots: number;
  readonly snapshotMs: number;
  /** Proxies given a snapshot (whether computed for them or shared). */
  readonly proxiesPushed: number;
  /** Responses sent, by type (cds, eds, lds, rds). */
  readonly responses: Readonly<Record<string, number>>;
}

const TYPES = ['cds', 'eds', 'lds', 'rds'];

export function serverDelta(before: PromSamples, after: PromSamples): ServerDelta {
  const push = histogramDelta(before, after, 'pilot_xds_push_time', 'type="all"');
  const convergence = histogramDelta(before, after, 'pilot_proxy_convergence_time');
  const translate = histogramDelta(before, after, 'tandem_xds_build_seconds', 'stage="translate"');
  const snapshot = histogramDelta(before, after, 'tandem_xds_build_seconds', 'stage="snapshot"');
  const counter = (name: string, labels = '') =>
    sampleValue(after, name, labels) - sampleValue(before, name, labels);
  const p99 = bucketQuantile(convergence, 0.99);
  return {
    pushes: push.count,
    pushMs: push.sum * 1000,
    convergence: {
      count: convergence.count,
      meanMs: convergence.count === 0 ? null : (convergence.sum / convergence.count) * 1000,
      p99BucketMs: p99 === null ? null : p99 * 1000,
    },
    translations: translate.count,
    translateMs: translate.sum * 1000,
    snapshots: snapshot.count,
    snapshotMs: snapshot.sum * 1000,
    proxiesPushed: counter('tandem_xds_proxy_snapshots_total'),
    responses: Object.fromEntries(TYPES.map((type) => [type, counter('pilot_xds_pushes', `type="${type}"`)])),
  };
}
