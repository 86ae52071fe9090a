/**
 * Field spelling. Envoy's loaders accept a field as its proto name (snake_case) or its proto3 JSON name
 * (lowerCamelCase: each `_x` becomes `X`), so both resolve to the same field.
 */

/** The proto3 JSON name of a snake_case field name, e.g. `accept_http_10` -> `acceptHttp10`. */
export function jsonName(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** Maps every accepted spelling of the given field names to the proto name. */
export function buildNameIndex(protoNames: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const name of protoNames) {
    index.set(name, name);
    index.set(jsonName(name), name);
  }
  return index;
}

/** The known name closest to `unknown` if it is close enough to be a likely typo. */
export function suggestName(unknown: string, known: readonly string[]): string | undefined {
  const snake = (name: string) => name.replace(/([A-Z])/g, '_$1').toLowerCase();
  const wanted = snake(unknown);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const name of known) {
    const distance = editDistance(wanted, snake(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
