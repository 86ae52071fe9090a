import type { HeaderMutations, HeaderValueOption } from '@tandem/api/envoy';
import type { HeaderMap } from '../http/header-map.ts';
import { compileHeaderValue, type HeaderFormatContext, type HeaderFormatter } from './header-formatter.ts';
import type { ConfigPath } from './route-config-error.ts';

type AppendAction = HeaderValueOption['appendAction'];

interface HeaderToAdd {
  readonly key: string;
  /** A plain string, or a formatter evaluated per request. */
  readonly value: string | HeaderFormatter;
  readonly action: AppendAction;
  readonly keepEmpty: boolean;
}

/** Pending writes of one level; reused across calls (all of this runs synchronously). */
const pendingOverwrites: string[] = [];
const pendingAdds: string[] = [];

/**
 * The request or response half of one level's `HeaderMutations` (route configuration, virtual
 * host, route, or weighted cluster). Applied like Envoy's `HeaderParser::evaluateHeaders`:
 * removals first; then every value is formatted and every `ADD_IF_ABSENT` / `OVERWRITE_IF_EXISTS`
 * test is made against the headers as they are after the removals; then overwrites are written,
 * then appends. An empty value is skipped unless `keepEmptyValue`.
 */
export class HeaderMutationLevel {
  readonly remove: readonly string[];
  readonly add: readonly HeaderToAdd[];

  constructor(remove: string[], add: HeaderToAdd[]) {
    this.remove = remove;
    this.add = add;
  }

  apply(headers: HeaderMap, ctx: HeaderFormatContext, response: HeaderMap | undefined): void {
    for (let i = 0; i < this.remove.length; i++) headers.remove(this.remove[i]!);
    const add = this.add;
    if (add.length === 0) return;
    const overwriteFrom = pendingOverwrites.length;
    const addFrom = pendingAdds.length;
    for (let i = 0; i < add.length; i++) {
      const h = add[i]!;
      const value = typeof h.value === 'string' ? h.value : h.value.format(ctx, response);
      if (value === '' && !h.keepEmpty) continue;
      const target = pendingListFor(h.action, headers.has(h.key));
      target?.push(h.key, value);
    }
    flush(headers, overwriteFrom, addFrom);
  }
}

function pendingListFor(action: AppendAction, exists: boolean): string[] | undefined {
  switch (action) {
    case 'APPEND_IF_EXISTS_OR_ADD':
      return pendingAdds;
    case 'ADD_IF_ABSENT':
      return exists ? undefined : pendingAdds;
    case 'OVERWRITE_IF_EXISTS':
      return exists ? pendingOverwrites : undefined;
    case 'OVERWRITE_IF_EXISTS_OR_ADD':
      return pendingOverwrites;
  }
}

function flush(headers: HeaderMap, overwriteFrom: number, addFrom: number): void {
  for (let i = overwriteFrom; i < pendingOverwrites.length; i += 2) {
    headers.set(pendingOverwrites[i]!, pendingOverwrites[i + 1]!);
  }
  for (let i = addFrom; i < pendingAdds.length; i += 2) headers.add(pendingAdds[i]!, pendingAdds[i + 1]!);
  pendingOverwrites.length = overwriteFrom;
  pendingAdds.length = addFrom;
}

/** The compiled request and response halves of one `HeaderMutations`; undefined halves are empty. */
export interface CompiledHeaderMutations {
  readonly request: HeaderMutationLevel | undefined;
  readonly response: HeaderMutationLevel | undefined;
}

/** Compiles one level. Rejects `:`-prefixed names and `host`, which Envoy does not let you modify. */
export function compileHeaderMutations(m: HeaderMutations, at: ConfigPath): CompiledHeaderMutations {
  return {
    request: compileLevel(
      m.requestHeadersToRemove,
      m.requestHeadersToAdd,
      at.at('requestHeadersToRemove'),
      at.at('requestHeadersToAdd'),
    ),
    response: compileLevel(
      m.responseHeadersToRemove,
      m.responseHeadersToAdd,
      at.at('responseHeadersToRemove'),
      at.at('responseHeadersToAdd'),
    ),
  };
}

function compileLevel(
  remove: readonly string[],
  add: readonly HeaderValueOption[],
  removeAt: ConfigPath,
  addAt: ConfigPath,
): HeaderMutationLevel | undefined {
  if (remove.length === 0 && add.length === 0) return undefined;
  const names = remove.map((name, i) => checkName(name, removeAt.at(i)));
  const adds = add.map((h, i): HeaderToAdd => {
    const at = addAt.at(i);
    return {
      key: checkName(h.key, at.at('key')),
      value: compileHeaderValue(h.value, at.at('value')),
      action: h.appendAction,
      keepEmpty: h.keepEmptyValue,
    };
  });
  return new HeaderMutationLevel(names, adds);
}

function checkName(name: string, at: ConfigPath): string {
  const lower = name.toLowerCase();
  if (lower === '') throw at.error('header name must not be empty');
  if (lower.startsWith(':') || lower === 'host')
    throw at.error(`${name}: :-prefixed headers and host may not be modified`);
  return lower;
}
