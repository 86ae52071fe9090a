import { captureGroupCount, compileRe2 } from './re2-regex.ts';
import type { ConfigPath } from './route-config-error.ts';

/**
 * A compiled `regex_rewrite` (Envoy `RegexMatchAndSubstitute`): every non-overlapping match of
 * `pattern` is replaced by `substitution`, where RE2's `\0`..`\9` name capture groups and `\\` is a
 * backslash. The substitution is parsed once into literal and group parts; a group the pattern does
 * not have is a config error (RE2 would refuse the rewrite at run time).
 */
export class RegexRewrite {
  readonly regex: RegExp;
  /** Literal strings and group numbers, in order. */
  readonly parts: readonly (string | number)[];
  private readonly replacer: (match: string, ...rest: unknown[]) => string;

  constructor(regex: RegExp, parts: (string | number)[]) {
    this.regex = regex;
    this.parts = parts;
    this.replacer = (match, ...rest) => this.expand(match, rest);
  }

  /** Applies the rewrite to all of `input`. */
  apply(input: string): string {
    const p = this.parts;
    if (p.length === 1 && typeof p[0] === 'string') return input.replace(this.regex, p[0]);
    return input.replace(this.regex, this.replacer);
  }

  private expand(match: string, groups: unknown[]): string {
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') out += part;
      else if (part === 0) out += match;
      else out += (groups[part - 1] as string | undefined) ?? '';
    }
    return out;
  }
}

/** Compiles `pattern` + `substitution`, or throws a `RouteConfigError` under `at`. */
export function compileRegexRewrite(pattern: string, substitution: string, at: ConfigPath): RegexRewrite {
  const regex = compileRe2(pattern, at.at('pattern'), { fullMatch: false, global: true });
  const parts = parseSubstitution(substitution, at.at('substitution'));
  const groups = captureGroupCount(regex);
  for (const part of parts) {
    if (typeof part === 'number' && part > groups) {
      throw at.at('substitution').error(`refers to group \\${part} but the pattern has ${groups} group(s)`);
    }
  }
  // A plain literal substitution goes to String.replace as a string: escape `$` for it.
  if (parts.length === 1 && typeof parts[0] === 'string') parts[0] = parts[0].replaceAll('$', '$$$$');
  if (parts.length === 0) parts.push('');
  return new RegexRewrite(regex, parts);
}

function parseSubstitution(s: string, at: ConfigPath): (string | number)[] {
  const parts: (string | number)[] = [];
  let literal = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    const next = s[++i];
    if (next === '\\') {
      literal += '\\';
    } else if (next !== undefined && next >= '0' && next <= '9') {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(next.charCodeAt(0) - 48);
    } else {
      throw at.error(`invalid escape "\\${next ?? ''}": use \\0-\\9 for groups and \\\\ for a backslash`);
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}
