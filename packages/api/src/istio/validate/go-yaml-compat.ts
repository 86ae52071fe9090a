/**
 * Where YAML 1.2 and the Go YAML parser Kubernetes uses disagree in ways that real Istio files rely on.
 * Today one case: in a flow sequence, a plain scalar ending in `:` right before `,` or `]` (an IPv6 address
 * such as `[1.2.3.4, 2001:db8::]`) is a string for Go, but a one-entry map for YAML 1.2.
 */
import { type Document, isMap, isScalar, Scalar, visit } from 'yaml';

/** Rewrites such entries in `doc` back into strings. */
export function applyGoYamlCompat(doc: Document, text: string): void {
  visit(doc, {
    Seq(_key, seq) {
      if (!seq.flow) return;
      seq.items = seq.items.map((item) => {
        if (!isMap(item) || item.items.length !== 1) return item;
        const pair = item.items[0]!;
        if (
          !isScalar(pair.key) ||
          pair.key.type !== 'PLAIN' ||
          !isScalar(pair.value) ||
          pair.value.source !== ''
        )
          return item;
        const end = pair.key.range?.[1];
        if (end === undefined || text[end] !== ':' || !/[,\]}]/.test(text[end + 1] ?? '')) return item;
        return new Scalar(`${String(pair.key.value)}:`);
      });
    },
  });
}
