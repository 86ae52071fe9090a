import { ConfigIssueCode } from '../issue-codes.ts';
import { stringOf } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';

const TOKEN = /^:?[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_HEADER_TEXT = 16384;

const nameText = stringOf({ minLength: 1, maxLength: MAX_HEADER_TEXT });
const valueText = stringOf({ maxLength: MAX_HEADER_TEXT });

/**
 * An HTTP header name (an RFC 9110 token, optionally `:`-prefixed for pseudo-headers), lower-cased because
 * header names are case-insensitive and Tandem stores them lower-case.
 */
export const headerName: Schema<string> = {
  typeName: 'string',
  detail: 'header name',
  parse(raw, ctx) {
    const before = ctx.errorCount;
    const name = nameText.parse(raw, ctx);
    if (name === undefined || ctx.errorCount > before) return undefined;
    if (!TOKEN.test(name)) {
      ctx.error(ConfigIssueCode.invalid, `${JSON.stringify(name)} is not a valid HTTP header name`);
      return undefined;
    }
    return name.toLowerCase();
  },
};

/** An HTTP header value: any text without CR, LF or NUL. */
export const headerValue: Schema<string> = {
  typeName: 'string',
  detail: 'header value',
  parse(raw, ctx) {
    const before = ctx.errorCount;
    const value = valueText.parse(raw, ctx);
    if (value === undefined || ctx.errorCount > before) return undefined;
    if (/[\r\n\0]/.test(value)) {
      ctx.error(ConfigIssueCode.invalid, 'a header value must not contain CR, LF or NUL');
      return undefined;
    }
    return value;
  },
};
