import type { StringMatcher } from '@tandem/api/envoy';
import { asciiLower, endsWithIgnoreCase, equalsIgnoreCase, startsWithIgnoreCase } from './ascii-case.ts';
import { compileRe2 } from './re2-regex.ts';
import type { ConfigPath } from './route-config-error.ts';

/** A compiled Envoy `StringMatcher`: one `match` call per value, no allocation for the plain kinds. */
export interface CompiledStringMatcher {
  match(value: string): boolean;
}

class Exact implements CompiledStringMatcher {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  match(v: string): boolean {
    return v === this.value;
  }
}

class ExactIgnoreCase implements CompiledStringMatcher {
  readonly lower: string;
  constructor(lower: string) {
    this.lower = lower;
  }
  match(v: string): boolean {
    return equalsIgnoreCase(v, this.lower);
  }
}

class Prefix implements CompiledStringMatcher {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  match(v: string): boolean {
    return v.startsWith(this.value);
  }
}

class PrefixIgnoreCase implements CompiledStringMatcher {
  readonly lower: string;
  constructor(lower: string) {
    this.lower = lower;
  }
  match(v: string): boolean {
    return startsWithIgnoreCase(v, this.lower);
  }
}

class Suffix implements CompiledStringMatcher {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  match(v: string): boolean {
    return v.endsWith(this.value);
  }
}

class SuffixIgnoreCase implements CompiledStringMatcher {
  readonly lower: string;
  constructor(lower: string) {
    this.lower = lower;
  }
  match(v: string): boolean {
    return endsWithIgnoreCase(v, this.lower);
  }
}

class Contains implements CompiledStringMatcher {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  match(v: string): boolean {
    return v.includes(this.value);
  }
}

class ContainsIgnoreCase implements CompiledStringMatcher {
  readonly lower: string;
  constructor(lower: string) {
    this.lower = lower;
  }
  match(v: string): boolean {
    return asciiLower(v).includes(this.lower);
  }
}

class FullRegex implements CompiledStringMatcher {
  readonly regex: RegExp;
  constructor(regex: RegExp) {
    this.regex = regex;
  }
  match(v: string): boolean {
    return this.regex.test(v);
  }
}

/**
 * Compiles a `StringMatcher`. `ignoreCase` folds ASCII only, like Envoy, and (like Envoy) has no
 * effect on `safeRegex`, which must match the whole value.
 */
export function compileStringMatcher(m: StringMatcher, at: ConfigPath): CompiledStringMatcher {
  switch (m.kind) {
    case 'exact':
      return m.ignoreCase ? new ExactIgnoreCase(asciiLower(m.value)) : new Exact(m.value);
    case 'prefix':
      return m.ignoreCase ? new PrefixIgnoreCase(asciiLower(m.value)) : new Prefix(m.value);
    case 'suffix':
      return m.ignoreCase ? new SuffixIgnoreCase(asciiLower(m.value)) : new Suffix(m.value);
    case 'contains':
      return m.ignoreCase ? new ContainsIgnoreCase(asciiLower(m.value)) : new Contains(m.value);
    case 'safeRegex':
      return new FullRegex(compileRe2(m.regex, at.at('regex'), { fullMatch: true }));
  }
}
