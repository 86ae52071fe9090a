import type { HeaderMatcher } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { readRequestHeader } from './request-header-value.ts';
import type { ConfigPath } from './route-config-error.ts';
import { type CompiledStringMatcher, compileStringMatcher } from './string-matcher.ts';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const INTEGER = /^[ \t\n\v\f\r]*([+-]?[0-9]+)[ \t\n\v\f\r]*$/;

/**
 * A compiled Envoy `HeaderMatcher`. Semantics follow Envoy's `HeaderUtility::matchHeaders`:
 * - repeated headers are joined with `,` before matching;
 * - an absent header never matches a string or range rule, inverted or not; it matches
 *   `present: false`, and `present: true` only when inverted;
 * - with `treatMissingHeaderAsEmpty`, an absent header is matched as the empty string instead (so a
 *   `present` rule then reports its own `present` value, as Envoy does);
 * - `range` is `[start, end)` on a base-10 int64 (surrounding ASCII spaces allowed).
 */
export class CompiledHeaderMatcher {
  readonly name: string;
  private readonly kind: 'string' | 'present' | 'range';
  private readonly matcher: CompiledStringMatcher | undefined;
  private readonly present: boolean;
  private readonly start: number;
  private readonly end: number;
  private readonly invert: boolean;
  private readonly missingAsEmpty: boolean;

  constructor(m: HeaderMatcher, at: ConfigPath) {
    this.name = m.name.toLowerCase();
    this.kind = m.spec.kind;
    this.matcher =
      m.spec.kind === 'string' ? compileStringMatcher(m.spec.matcher, at.at('spec.matcher')) : undefined;
    this.present = m.spec.kind === 'present' ? m.spec.present : true;
    this.start = m.spec.kind === 'range' ? m.spec.start : 0;
    this.end = m.spec.kind === 'range' ? m.spec.end : 0;
    this.invert = m.invertMatch;
    this.missingAsEmpty = m.treatMissingHeaderAsEmpty;
    if (this.name === '') throw at.at('name').error('header name must not be empty');
    if (!Number.isInteger(this.start) || !Number.isInteger(this.end)) {
      throw at.at('spec').error('range start and end must be integers');
    }
  }

  match(head: RequestHead): boolean {
    let value = readRequestHeader(head, this.name);
    if (value === undefined) {
      if (!this.missingAsEmpty) return this.kind === 'present' && this.present === this.invert;
      value = '';
    }
    return this.matchValue(value) !== this.invert;
  }

  private matchValue(value: string): boolean {
    switch (this.kind) {
      case 'string':
        return this.matcher!.match(value);
      case 'present':
        return this.present;
      case 'range':
        return inRange(value, this.start, this.end);
    }
  }
}

function inRange(value: string, start: number, end: number): boolean {
  const m = INTEGER.exec(value);
  if (m === null) return false;
  const digits = m[1]!;
  if (digits.length > 15) {
    const big = BigInt(digits);
    if (big > INT64_MAX || big < INT64_MIN) return false;
    return big >= BigInt(start) && big < BigInt(end);
  }
  const n = Number(digits);
  return n >= start && n < end;
}

/** All of `matchers` must match (an empty list matches). */
export function matchAllHeaders(matchers: readonly CompiledHeaderMatcher[], head: RequestHead): boolean {
  for (let i = 0; i < matchers.length; i++) if (!matchers[i]!.match(head)) return false;
  return true;
}
