/**
 * Warnings for route rules that can never match: a rule after a catch-all rule (no matches), and a rule
 * whose every match repeats an earlier one.
 */
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';

interface RuleLike {
  name?: string;
  match: readonly object[];
}

const ruleName = (rule: RuleLike, index: number) => (rule.name ? `"${rule.name}"` : `#${index}`);

function matchKey(match: object): string {
  const { name: _name, ...rest } = match as { name?: string };
  return JSON.stringify(rest);
}

/** Warns at `ctx.item(i)` for each unreachable rule in `rules`. */
export function warnUnreachableRules(rules: readonly RuleLike[], ctx: ValidationContext): void {
  const seen = new Map<string, number>();
  let catchAll = -1;
  rules.forEach((rule, index) => {
    const at = ctx.item(index);
    if (catchAll >= 0) {
      at.warn(
        IstioIssueCode.ineffective,
        `rule ${ruleName(rule, index)} is never used: rule ${ruleName(rules[catchAll]!, catchAll)} before it has no match conditions and takes all traffic`,
      );
      return;
    }
    if (rule.match.length === 0) {
      catchAll = index;
      return;
    }
    let duplicates = 0;
    for (const match of rule.match) {
      const key = matchKey(match);
      if (seen.has(key)) duplicates++;
      else seen.set(key, index);
    }
    if (duplicates === rule.match.length) {
      at.warn(
        IstioIssueCode.ineffective,
        `rule ${ruleName(rule, index)} is never used: all its matches are used by earlier rules`,
      );
    }
  });
}
