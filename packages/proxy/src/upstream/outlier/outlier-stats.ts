/**
 * Envoy's outlier detection stats (`cluster.<name>.outlier_detection.ejections_active`, ...),
 * resolved once per cluster.
 */
import type { Counter, Gauge, StatsScope } from '../../stats/stats.ts';
import type { EjectionType } from './outlier-detector.ts';

const TYPES: readonly EjectionType[] = [
  'consecutive_5xx',
  'consecutive_gateway_failure',
  'consecutive_local_origin_failure',
  'success_rate',
  'local_origin_success_rate',
  'failure_percentage',
  'failure_percentage_local_origin',
];

export class OutlierStats {
  readonly ejectionsActive: Gauge;
  readonly ejectionsEnforcedTotal: Counter;
  readonly ejectionsOverflow: Counter;
  /** Envoy's deprecated total of enforced ejections, kept for dashboards that read it. */
  readonly ejectionsTotal: Counter;
  private readonly enforcedBy = new Map<EjectionType, Counter>();
  private readonly detectedBy = new Map<EjectionType, Counter>();

  constructor(scope: StatsScope) {
    const s = scope.scope('outlier_detection.');
    this.ejectionsActive = s.gauge('ejections_active');
    this.ejectionsEnforcedTotal = s.counter('ejections_enforced_total');
    this.ejectionsOverflow = s.counter('ejections_overflow');
    this.ejectionsTotal = s.counter('ejections_total');
    for (const t of TYPES) {
      this.enforcedBy.set(t, s.counter(`ejections_enforced_${t}`));
      this.detectedBy.set(t, s.counter(`ejections_detected_${t}`));
    }
  }

  detected(type: EjectionType): void {
    this.detectedBy.get(type)!.inc();
  }

  enforced(type: EjectionType): void {
    this.enforcedBy.get(type)!.inc();
    this.ejectionsEnforcedTotal.inc();
    this.ejectionsTotal.inc();
    this.ejectionsActive.inc();
  }
}
