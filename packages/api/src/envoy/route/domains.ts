import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { stringOf } from '../schema/scalars.ts';
import { refine } from '../schema/schema.ts';

/**
 * Why `domain` is not a valid VirtualHost domain, or undefined if it is. Envoy accepts an exact host, `*`
 * alone, a suffix wildcard (`*.foo.com`, `*-bar.foo.com`) or a prefix wildcard (`foo.*`, `foo-*`): one `*`,
 * first or last.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'a domain must not be empty';
  if (/[\0-\x20\x7f]/.test(domain)) return 'a domain must not contain spaces or control characters';
  const stars = domain.split('*').length - 1;
  if (stars > 1) return 'only one wildcard "*" is allowed';
  if (stars === 1 && !domain.startsWith('*') && !domain.endsWith('*')) {
    return 'the wildcard "*" must be the first or last character';
  }
  return undefined;
}

const domain = refine(stringOf(), (value, ctx) => {
  const problem = domainProblem(value);
  if (problem !== undefined) ctx.error(ConfigIssueCode.invalid, `${JSON.stringify(value)}: ${problem}`);
});

/** VirtualHost.domains: at least one, each a valid (wildcard) domain. */
export const domains = listOf(domain, { minItems: 1 });
