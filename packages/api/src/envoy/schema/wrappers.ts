import { ConfigIssueCode } from '../issue-codes.ts';
import { bool, str } from './scalars.ts';
import { isPlainObject, type Schema } from './schema.ts';

/**
 * A google.protobuf wrapper (UInt32Value, BoolValue, ...): the plain value, as proto3 JSON writes it, or the
 * object form `{value: x}` that protobuf decoders produce.
 */
export function wrapper<T>(name: string, inner: Schema<T>): Schema<T> {
  return {
    typeName: name,
    detail: inner.detail,
    parse(raw, ctx) {
      if (!isPlainObject(raw)) return inner.parse(raw, ctx);
      const keys = Object.keys(raw);
      if (keys.length !== 1 || keys[0] !== 'value') {
        ctx.error(ConfigIssueCode.type, `expected a ${inner.typeName} or {value: ...} (${name})`);
        return undefined;
      }
      return inner.parse(raw.value, ctx.field('value'));
    },
    show: inner.show,
  };
}

/** google.protobuf.BoolValue. */
export const boolValue = wrapper('BoolValue', bool);

/** google.protobuf.StringValue. */
export const stringValue = wrapper('StringValue', str);
