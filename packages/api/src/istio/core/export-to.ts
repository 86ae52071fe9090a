/**
 * `exportTo` visibility lists: `.` (this namespace), `*` (everywhere), `~` (nowhere; ServiceEntry only) or
 * namespace names, without duplicates, and `*`/`~` only alone.
 */
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { isDns1123Label } from './hostname.ts';
import { invalid } from './istio-fields.ts';

export interface ExportToOptions {
  readonly allowNone?: boolean;
  /** DestinationRules with a workload selector may only be visible in their own namespace. */
  readonly withWorkloadSelector?: boolean;
}

export function checkExportTo(
  exportTo: readonly string[],
  namespace: string,
  ctx: ValidationContext,
  options: ExportToOptions = {},
): void {
  const seen = new Set<string>();
  exportTo.forEach((entry, index) => {
    const at = ctx.item(index);
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      invalid(
        at,
        key === entry
          ? `duplicate exportTo entry "${entry}"`
          : `"." and "${namespace}" name the same namespace`,
      );
      return;
    }
    if (entry === '~' && !options.allowNone)
      invalid(at, '"~" (visible to no one) is only allowed for ServiceEntries');
    else if (!['.', '*', '~'].includes(entry) && !isDns1123Label(entry)) {
      invalid(at, `"${entry}" is not ".", "*" or a namespace name`);
    }
    seen.add(key);
  });
  if ((seen.has('*') || seen.has('~')) && exportTo.length > 1) {
    invalid(ctx, `"${seen.has('*') ? '*' : '~'}" must be the only exportTo entry`);
  }
  if (options.withWorkloadSelector && exportTo.length > 0) {
    if (!seen.has(namespace))
      invalid(ctx, 'a DestinationRule with a workload selector can only be exported to its own namespace');
    else if (seen.size > 1)
      invalid(ctx, 'a DestinationRule with a workload selector cannot have several exportTo entries');
  }
}
