import { type CompiledPathMatcher, pathEnd } from './path-matcher.ts';
import { compileRegexRewrite, type RegexRewrite } from './regex-rewrite.ts';
import type { ConfigPath } from './route-config-error.ts';

/**
 * A route's path rewrite (`prefix_rewrite` or `regex_rewrite`), applied to a whole `:path`.
 *
 * `prefix_rewrite` replaces the part of the path the route matched: the configured prefix for
 * prefix rules, the whole path without query for exact and regex rules; the rest (including the
 * query) is kept. It is a plain replacement, which is Envoy's subtle point: with prefix `/prefix`
 * and rewrite `/`, `/prefix/a` becomes `//a`; to get `/a` use prefix `/prefix/` (and a second
 * route for `/prefix` itself).
 *
 * `regex_rewrite` substitutes in the path without query and fragment, then puts those back.
 */
export class PathRewriter {
  private readonly matcher: CompiledPathMatcher;
  private readonly prefix: string | undefined;
  private readonly regex: RegexRewrite | undefined;

  constructor(matcher: CompiledPathMatcher, prefix: string | undefined, regex: RegexRewrite | undefined) {
    this.matcher = matcher;
    this.prefix = prefix;
    this.regex = regex;
  }

  /** The rewritten `:path`. */
  rewrite(path: string): string {
    if (this.prefix !== undefined) return this.prefix + path.slice(this.matcher.rewriteSpan(path));
    const end = pathEnd(path);
    return this.regex!.apply(end === path.length ? path : path.slice(0, end)) + path.slice(end);
  }
}

/**
 * Compiles a rewrite for a route whose path rule is `matcher`. An empty `prefixRewrite` means none
 * (an unset proto string in Envoy); both kinds at once are rejected.
 */
export function compilePathRewrite(
  matcher: CompiledPathMatcher,
  prefixRewrite: string | undefined,
  regexRewrite: { pattern: string; substitution: string } | undefined,
  at: ConfigPath,
): PathRewriter | undefined {
  const prefix = prefixRewrite === '' ? undefined : prefixRewrite;
  if (prefix !== undefined && regexRewrite !== undefined) {
    throw at.error('specify only one of prefix_rewrite and regex_rewrite');
  }
  if (prefix !== undefined) return new PathRewriter(matcher, prefix, undefined);
  if (regexRewrite === undefined) return undefined;
  const regex = compileRegexRewrite(regexRewrite.pattern, regexRewrite.substitution, at.at('regexRewrite'));
  return new PathRewriter(matcher, undefined, regex);
}
