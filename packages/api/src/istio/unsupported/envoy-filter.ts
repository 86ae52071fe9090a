/** Checks for networking.istio.io EnvoyFilter (not applied by Tandem). */
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import {
  type Json,
  listField,
  objectField,
  portField,
  stringField,
  workloadSelectorField,
} from './raw-checks.ts';

const OTHER_MATCHES = ['listener', 'routeConfiguration', 'cluster'];

function checkMatch(match: Json, ctx: ValidationContext): void {
  const context = stringField(match, 'context', ctx) ?? 'ANY';
  const waypoint = objectField(match, 'waypoint', ctx);
  if (waypoint !== undefined && context !== 'WAYPOINT') {
    invalid(ctx, `the waypoint match is only supported when context is WAYPOINT, not ${context}`);
  }
  if (context === 'WAYPOINT' && OTHER_MATCHES.some((key) => match[key] != null)) {
    invalid(
      ctx,
      'with context WAYPOINT only the waypoint match is supported (not listener, routeConfiguration or cluster)',
    );
  }
  if (waypoint !== undefined && waypoint.portNumber !== undefined)
    portField(waypoint, 'portNumber', ctx.field('waypoint'), false);
}

export function checkEnvoyFilter(spec: Json, ctx: ValidationContext): void {
  workloadSelectorField(spec, ctx, 'workloadSelector', 'labels');
  for (const [patch, at] of listField(spec, 'configPatches', ctx)) {
    const match = objectField(patch, 'match', at);
    if (match !== undefined) checkMatch(match, at.field('match'));
  }
}
