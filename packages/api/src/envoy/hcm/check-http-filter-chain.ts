import { ConfigIssueCode } from '../issue-codes.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import type { HttpFilter } from '../types.ts';
import { type HttpFilterEntry, SKIPPED } from './http-filter.ts';
import { ROUTER_NAME } from './router.ts';

/**
 * The HTTP filters without skipped optional ones, if the chain ends with exactly one terminal filter (the
 * router) and has no terminal filter before its end. `ctx` is the context of `http_filters`.
 */
export function checkHttpFilterChain(
  entries: readonly (HttpFilterEntry | typeof SKIPPED)[],
  ctx: ValidationContext,
): HttpFilter[] | undefined {
  const kept = entries.flatMap((entry, index) => (entry === SKIPPED ? [] : [{ entry, index }]));
  const last = kept[kept.length - 1];
  if (last === undefined) {
    ctx.error(
      ConfigIssueCode.filterOrder,
      `the HTTP filter chain is empty; it must end with the router (${ROUTER_NAME})`,
    );
    return undefined;
  }
  let ok = true;
  for (const { entry, index } of kept.slice(0, -1)) {
    if (!entry.terminal) continue;
    const name = JSON.stringify(entry.filter.name);
    ctx
      .item(index)
      .error(ConfigIssueCode.filterOrder, `HTTP filter ${name} is terminal and must be the last HTTP filter`);
    ok = false;
  }
  if (!last.entry.terminal) {
    const name = JSON.stringify(last.entry.filter.name);
    ctx
      .item(last.index)
      .error(
        ConfigIssueCode.filterOrder,
        `the last HTTP filter must be the router (${ROUTER_NAME}); ${name} is not a terminal filter`,
      );
    ok = false;
  }
  return ok ? kept.map(({ entry }) => entry.filter) : undefined;
}
