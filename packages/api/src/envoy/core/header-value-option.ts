import { ConfigIssueCode } from '../issue-codes.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool } from '../schema/scalars.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { HeaderValueOption } from '../types.ts';
import { headerName, headerValue } from './http-header-text.ts';

const headerValueMessage = message({
  name: 'envoy.config.core.v3.HeaderValue',
  fields: {
    key: required(headerName),
    value: withDefault(headerValue, '', { note: 'may use Envoy %COMMAND% substitutions' }),
    raw_value: unsupported('use value'),
  },
  build: (v) => ({ key: v.key, value: v.value }),
});

const appendAction = enumOf('HeaderAppendAction', {
  APPEND_IF_EXISTS_OR_ADD: 0,
  ADD_IF_ABSENT: 1,
  OVERWRITE_IF_EXISTS_OR_ADD: 2,
  OVERWRITE_IF_EXISTS: 3,
});

/** envoy.config.core.v3.HeaderValueOption; the deprecated `append` maps onto `append_action`. */
export const headerValueOption = message({
  name: 'envoy.config.core.v3.HeaderValueOption',
  fields: {
    header: required(headerValueMessage),
    append: optional(boolValue, {
      deprecated: true,
      note: 'true: APPEND_IF_EXISTS_OR_ADD, false: OVERWRITE_IF_EXISTS_OR_ADD',
    }),
    append_action: optional(appendAction, { defaultText: 'APPEND_IF_EXISTS_OR_ADD' }),
    keep_empty_value: withDefault(bool, false),
  },
  build: (v, ctx): HeaderValueOption | undefined => {
    if (v.append !== undefined && v.append_action !== undefined) {
      ctx.error(ConfigIssueCode.invalid, '"append" and "append_action" are both set; use only append_action');
      return undefined;
    }
    const action =
      v.append_action ?? (v.append === false ? 'OVERWRITE_IF_EXISTS_OR_ADD' : 'APPEND_IF_EXISTS_OR_ADD');
    return {
      key: v.header.key,
      value: v.header.value,
      appendAction: action,
      keepEmptyValue: v.keep_empty_value,
    };
  },
});
