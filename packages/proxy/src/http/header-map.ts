/**
 * A list of HTTP headers with lower-case names, in arrival order, stored flat as
 * `[name0, value0, name1, value1, ...]`. Cheap to build from a parser and to serialize; lookups are
 * linear, which beats hashing for the few dozen headers a request carries.
 *
 * Pseudo-headers (`:method`, `:path`, ...) never live here; see `RequestHead`.
 */
export class HeaderMap {
  /** Flat name/value pairs; names are lower-case. Exposed for codecs that serialize it. */
  readonly list: string[];

  constructor(list: string[] = []) {
    this.list = list;
  }

  /** Number of header fields (pairs). */
  get size(): number {
    return this.list.length >> 1;
  }

  /** First value of `name` (lower-case), or undefined. */
  get(name: string): string | undefined {
    const l = this.list;
    for (let i = 0; i < l.length; i += 2) if (l[i] === name) return l[i + 1];
    return undefined;
  }

  /** All values of `name`, in order. */
  getAll(name: string): string[] {
    const out: string[] = [];
    const l = this.list;
    for (let i = 0; i < l.length; i += 2) if (l[i] === name) out.push(l[i + 1]!);
    return out;
  }

  has(name: string): boolean {
    const l = this.list;
    for (let i = 0; i < l.length; i += 2) if (l[i] === name) return true;
    return false;
  }

  /** Appends a field (keeps existing fields of the same name). */
  add(name: string, value: string): void {
    this.list.push(name, value);
  }

  /** Replaces every field named `name` with one field. */
  set(name: string, value: string): void {
    const l = this.list;
    let found = -1;
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] !== name) continue;
      if (found < 0) {
        found = i;
        l[i + 1] = value;
      } else {
        l.splice(i, 2);
        i -= 2;
      }
    }
    if (found < 0) l.push(name, value);
  }

  /** Removes every field named `name`; returns whether any was removed. */
  remove(name: string): boolean {
    const l = this.list;
    let removed = false;
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] === name) {
        l.splice(i, 2);
        i -= 2;
        removed = true;
      }
    }
    return removed;
  }

  /** A copy that can be changed without touching this one. */
  clone(): HeaderMap {
    return new HeaderMap(this.list.slice());
  }
}
