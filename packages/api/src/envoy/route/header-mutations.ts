import { headerValueOption } from '../core/header-value-option.ts';
import { headerName } from '../core/http-header-text.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { withDefault } from '../schema/fields.ts';
import type { FieldValues } from '../schema/message.ts';
import { refine } from '../schema/schema.ts';
import type { HeaderMutations } from '../types.ts';

/** Envoy refuses to add, overwrite or remove pseudo-headers and `host` through header mutations. */
function isProtected(name: string): boolean {
  return name.startsWith(':') || name === 'host';
}

const addable = refine(headerValueOption, (option, ctx) => {
  if (!isProtected(option.key)) return;
  ctx
    .field('header')
    .field('key')
    .error(
      ConfigIssueCode.invalid,
      `${JSON.stringify(option.key)} may not be modified: pseudo-headers and host are off limits (use host_rewrite_* to change the host)`,
    );
});

const removable = refine(headerName, (name, ctx) => {
  if (isProtected(name)) {
    ctx.error(
      ConfigIssueCode.invalid,
      `${JSON.stringify(name)} may not be removed: pseudo-headers and host are off limits`,
    );
  }
});

const adds = listOf(addable, { maxItems: 1000 });
const removes = listOf(removable);

/** The four header mutation fields shared by RouteConfiguration, VirtualHost, Route and ClusterWeight. */
export const headerMutationFields = {
  request_headers_to_add: withDefault(adds, []),
  request_headers_to_remove: withDefault(removes, []),
  response_headers_to_add: withDefault(adds, []),
  response_headers_to_remove: withDefault(removes, []),
};

export function buildHeaderMutations(v: FieldValues<typeof headerMutationFields>): HeaderMutations {
  return {
    requestHeadersToAdd: v.request_headers_to_add,
    requestHeadersToRemove: v.request_headers_to_remove,
    responseHeadersToAdd: v.response_headers_to_add,
    responseHeadersToRemove: v.response_headers_to_remove,
  };
}
