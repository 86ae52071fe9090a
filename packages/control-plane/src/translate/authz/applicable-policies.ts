/**
 * The security policies that apply to a workload, as Istio selects them: policies in the root namespace
 * (all workloads, or those their selector matches) and in the workload's namespace (all of its workloads,
 * or those the selector matches). Policies attached with targetRefs (Services, Gateways) are not applied to
 * sidecars and are noted.
 */
import { labelsMatch } from '../../model/mesh-service.ts';
import type { MeshSnapshot, PolicyEntry } from '../../model/mesh-snapshot.ts';

interface Selectable {
  selector: Record<string, string> | undefined;
  targetRefs: readonly unknown[];
}

export function applicablePolicies<T extends Selectable>(
  snapshot: MeshSnapshot,
  entries: readonly PolicyEntry<T>[],
  namespace: string,
  labels: Readonly<Record<string, string>>,
  notes: string[],
): PolicyEntry<T>[] {
  const out: PolicyEntry<T>[] = [];
  for (const e of entries) {
    const ns = e.ref.namespace;
    if (ns !== namespace && ns !== snapshot.security.rootNamespace) continue;
    if (e.spec.targetRefs.length > 0) {
      notes.push(`${e.ref.kind} ${ns}/${e.ref.name}: targetRefs are not applied to sidecars`);
      continue;
    }
    if (e.spec.selector !== undefined && !labelsMatch(e.spec.selector, labels)) continue;
    out.push(e);
  }
  return out;
}
