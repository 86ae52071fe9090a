/**
 * An RFC 6902 JSON Patch that turns one JSON document into another: objects are compared key by
 * key (so annotations and labels are patched one by one), anything else that differs is replaced
 * whole. Keys are escaped per RFC 6901 (`~` -> `~0`, `/` -> `~1`), which annotation names need.
 */

export type JsonPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function diff(from: unknown, to: unknown, path: string, out: JsonPatchOperation[]): void {
  if (same(from, to)) return;
  if (!isObject(from) || !isObject(to)) {
    out.push({ op: 'replace', path, value: to });
    return;
  }
  for (const key of Object.keys(from)) {
    if (!(key in to) || to[key] === undefined)
      out.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
  }
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const at = `${path}/${escapePointer(key)}`;
    if (!(key in from) || from[key] === undefined) out.push({ op: 'add', path: at, value });
    else diff(from[key], value, at, out);
  }
}

/** The operations that turn `from` into `to` (both JSON values; `from` is the document root). */
export function createJsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  const out: JsonPatchOperation[] = [];
  if (isObject(from) && isObject(to)) diff(from, to, '', out);
  else if (!same(from, to)) out.push({ op: 'replace', path: '', value: to });
  return out;
}
