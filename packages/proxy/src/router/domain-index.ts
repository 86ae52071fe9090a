import { portStart } from './authority.ts';

/** Wildcard domains of one length, keyed by their fixed part. */
interface WildcardBucket<T> {
  readonly length: number;
  readonly byFixedPart: Map<string, T>;
}

/**
 * Envoy's virtual host selection by domain: an exact domain wins; then the longest suffix
 * wildcard (`*.foo.com`, `*-bar.foo.com`); then the longest prefix wildcard (`foo.*`); then `*`.
 * A wildcard stands for at least one character. Matching is case-insensitive (domains are
 * lower-cased here, the authority per lookup). Exact domains sit in a map; wildcards in one map per
 * length, longest first, so a lookup costs O(1) + O(distinct wildcard lengths).
 *
 * A port in the authority is part of what is matched (`foo.com:8080` does not match `foo.com`),
 * unless `ignorePort` is set (Envoy's `ignore_port_in_host_matching`).
 */
export class DomainIndex<T> {
  private readonly exact = new Map<string, T>();
  private suffixes: WildcardBucket<T>[] = [];
  private prefixes: WildcardBucket<T>[] = [];
  private any: T | undefined;
  private readonly ignorePort: boolean;

  constructor(ignorePort: boolean) {
    this.ignorePort = ignorePort;
  }

  /** Adds a domain; returns false if it is already present (Envoy rejects duplicates). */
  add(domain: string, value: T): boolean {
    const d = domain.toLowerCase();
    if (d === '*') {
      if (this.any !== undefined) return false;
      this.any = value;
      return true;
    }
    if (d.startsWith('*')) return addWildcard(this.suffixes, d.slice(1), value);
    if (d.endsWith('*')) return addWildcard(this.prefixes, d.slice(0, -1), value);
    if (this.exact.has(d)) return false;
    this.exact.set(d, value);
    return true;
  }

  lookup(authority: string): T | undefined {
    if (this.exact.size === 0 && this.suffixes.length === 0 && this.prefixes.length === 0) return this.any;
    let host = authority;
    if (this.ignorePort) {
      const i = portStart(host);
      if (i >= 0) host = host.slice(0, i);
    }
    host = host.toLowerCase();
    const exact = this.exact.get(host);
    if (exact !== undefined) return exact;
    for (const b of this.suffixes) {
      if (b.length >= host.length) continue;
      const v = b.byFixedPart.get(host.slice(host.length - b.length));
      if (v !== undefined) return v;
    }
    for (const b of this.prefixes) {
      if (b.length >= host.length) continue;
      const v = b.byFixedPart.get(host.slice(0, b.length));
      if (v !== undefined) return v;
    }
    return this.any;
  }
}

function addWildcard<T>(buckets: WildcardBucket<T>[], fixed: string, value: T): boolean {
  let bucket = buckets.find((b) => b.length === fixed.length);
  if (bucket === undefined) {
    bucket = { length: fixed.length, byFixedPart: new Map() };
    buckets.push(bucket);
    buckets.sort((a, b) => b.length - a.length);
  }
  if (bucket.byFixedPart.has(fixed)) return false;
  bucket.byFixedPart.set(fixed, value);
  return true;
}
