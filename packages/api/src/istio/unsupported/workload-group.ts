/** Checks for networking.istio.io WorkloadGroup and ProxyConfig (not applied by Tandem). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import { checkHeaderName } from '../networking/headers.ts';
import {
  type Json,
  listField,
  objectField,
  portField,
  selectorLabels,
  stringField,
  workloadSelectorField,
} from './raw-checks.ts';

const COUNTERS = [
  'periodSeconds',
  'initialDelaySeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
];

function checkProbe(probe: Json, ctx: ValidationContext): void {
  for (const key of COUNTERS) {
    const value = probe[key];
    if (value !== undefined && (typeof value !== 'number' || value < 0))
      ctx.field(key).error(ConfigIssueCode.range, `${key} must be a non-negative number`);
  }
  const httpGet = objectField(probe, 'httpGet', ctx);
  if (httpGet !== undefined) {
    const at = ctx.field('httpGet');
    portField(httpGet, 'port', at, true);
    const scheme = stringField(httpGet, 'scheme', at);
    if (scheme !== undefined && scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS')
      invalid(at.field('scheme'), 'httpGet.scheme must be HTTP or HTTPS');
    for (const [header, hat] of listField(httpGet, 'httpHeaders', at)) {
      const reason = checkHeaderName(stringField(header, 'name', hat) ?? '');
      if (reason !== undefined) invalid(hat.field('name'), reason);
    }
  }
  const tcp = objectField(probe, 'tcpSocket', ctx);
  if (tcp !== undefined) portField(tcp, 'port', ctx.field('tcpSocket'), true);
  const exec = objectField(probe, 'exec', ctx);
  if (exec !== undefined && !(Array.isArray(exec.command) && exec.command.length > 0))
    invalid(ctx.field('exec').field('command'), 'exec.command is required');
}

export function checkWorkloadGroup(spec: Json, ctx: ValidationContext): void {
  if (spec.template == null)
    ctx.field('template').error(ConfigIssueCode.required, 'missing required field "template"');
  const metadata = objectField(spec, 'metadata', ctx);
  if (metadata !== undefined) selectorLabels(metadata, 'labels', ctx.field('metadata'));
  const probe = objectField(spec, 'probe', ctx);
  if (probe !== undefined) checkProbe(probe, ctx.field('probe'));
}

export function checkProxyConfig(spec: Json, ctx: ValidationContext): void {
  const concurrency = spec.concurrency;
  if (
    concurrency !== undefined &&
    concurrency !== null &&
    (typeof concurrency !== 'number' || concurrency < 0)
  ) {
    ctx
      .field('concurrency')
      .error(ConfigIssueCode.range, `concurrency must be 0 or more, got ${String(concurrency)}`);
  }
  workloadSelectorField(spec, ctx);
}
