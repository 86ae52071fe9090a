import type { PathMatch } from '@tandem/api/envoy';
import { asciiLower, regionEqualsIgnoreCase, startsWithIgnoreCase } from './ascii-case.ts';
import { compileRe2 } from './re2-regex.ts';
import type { ConfigPath } from './route-config-error.ts';

/**
 * Index where the path proper ends in a `:path`: at the first `?` or `#`, else its length.
 * Envoy matches every path rule against the path without query and fragment.
 */
export function pathEnd(path: string): number {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return i;
  }
  return path.length;
}

/** A compiled path rule of a route. */
export interface CompiledPathMatcher {
  readonly kind: PathMatch['kind'];
  match(path: string): boolean;
  /**
   * How many leading characters of a matched `:path` a `prefix_rewrite` replaces: the configured
   * prefix for prefix rules, the whole path (without query) for exact and regex rules.
   */
  rewriteSpan(path: string): number;
}

class PrefixMatcher implements CompiledPathMatcher {
  readonly kind = 'prefix';
  readonly prefix: string;
  readonly caseSensitive: boolean;
  /** A prefix holding `?` or `#` can never match a path without query: Envoy accepts it all the same. */
  private readonly impossible: boolean;

  constructor(prefix: string, caseSensitive: boolean) {
    this.caseSensitive = caseSensitive;
    this.prefix = caseSensitive ? prefix : asciiLower(prefix);
    this.impossible = pathEnd(prefix) !== prefix.length;
  }

  // Without `?`/`#` in the prefix, a prefix of the whole `:path` is a prefix of the path proper.
  match(path: string): boolean {
    if (this.impossible) return false;
    return this.caseSensitive ? path.startsWith(this.prefix) : startsWithIgnoreCase(path, this.prefix);
  }

  rewriteSpan(): number {
    return this.prefix.length;
  }
}

class ExactMatcher implements CompiledPathMatcher {
  readonly kind = 'path';
  readonly value: string;
  readonly caseSensitive: boolean;

  constructor(value: string, caseSensitive: boolean) {
    this.caseSensitive = caseSensitive;
    this.value = caseSensitive ? value : asciiLower(value);
  }

  match(path: string): boolean {
    const v = this.value;
    if (pathEnd(path) !== v.length) return false;
    return this.caseSensitive ? path.startsWith(v) : regionEqualsIgnoreCase(path, 0, v);
  }

  rewriteSpan(path: string): number {
    return pathEnd(path);
  }
}

class SeparatedPrefixMatcher implements CompiledPathMatcher {
  readonly kind = 'pathSeparatedPrefix';
  readonly prefix: string;
  readonly caseSensitive: boolean;

  constructor(prefix: string, caseSensitive: boolean) {
    this.caseSensitive = caseSensitive;
    this.prefix = caseSensitive ? prefix : asciiLower(prefix);
  }

  match(path: string): boolean {
    const p = this.prefix;
    const end = pathEnd(path);
    if (end < p.length) return false;
    if (end > p.length && path.charCodeAt(p.length) !== 47 /* / */) return false;
    return this.caseSensitive ? path.startsWith(p) : startsWithIgnoreCase(path, p);
  }

  rewriteSpan(): number {
    return this.prefix.length;
  }
}

class RegexMatcher implements CompiledPathMatcher {
  readonly kind = 'safeRegex';
  readonly regex: RegExp;

  constructor(regex: RegExp) {
    this.regex = regex;
  }

  match(path: string): boolean {
    const end = pathEnd(path);
    return this.regex.test(end === path.length ? path : path.slice(0, end));
  }

  rewriteSpan(path: string): number {
    return pathEnd(path);
  }
}

/**
 * Compiles a route's path rule. `caseSensitive` applies to prefix, path and path-separated prefix
 * rules; a regex is matched as written, against the whole path without query.
 */
export function compilePathMatcher(
  m: PathMatch,
  caseSensitive: boolean,
  at: ConfigPath,
): CompiledPathMatcher {
  switch (m.kind) {
    case 'prefix':
      return new PrefixMatcher(m.value, caseSensitive);
    case 'path':
      return new ExactMatcher(m.value, caseSensitive);
    case 'safeRegex':
      return new RegexMatcher(compileRe2(m.regex, at.at('regex'), { fullMatch: true }));
    case 'pathSeparatedPrefix':
      if (!/^[^?#]+[^?#/]$/.test(m.value)) {
        throw at.at('value').error('path_separated_prefix must not contain ? or #, nor end with /');
      }
      return new SeparatedPrefixMatcher(m.value, caseSensitive);
  }
}
