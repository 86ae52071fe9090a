/** Istio `headers` operations -> Envoy header mutations (set overwrites, add appends). */
import type { HeaderOperations } from '@tandem/api/istio';
import type { Json } from './xds-resources.ts';

export function headersToAdd(ops: HeaderOperations | undefined): Json[] {
  if (ops === undefined) return [];
  const out: Json[] = [];
  for (const [key, value] of Object.entries(ops.set))
    out.push({ header: { key, value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' });
  for (const [key, value] of Object.entries(ops.add))
    out.push({ header: { key, value }, append_action: 'APPEND_IF_EXISTS_OR_ADD' });
  return out;
}

/** Adds `<prefix>_headers_to_add` / `_to_remove` to `target` when there is anything to add. */
export function applyHeaderOps(
  target: Json,
  prefix: 'request' | 'response',
  ops: HeaderOperations | undefined,
): void {
  if (ops === undefined) return;
  const add = headersToAdd(ops);
  if (add.length > 0) target[`${prefix}_headers_to_add`] = add;
  if (ops.remove.length > 0) target[`${prefix}_headers_to_remove`] = ops.remove.map((h) => h.toLowerCase());
}
