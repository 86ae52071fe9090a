import { ConfigIssueCode } from '../issue-codes.ts';
import { describeJson, quoteList, type Schema } from './schema.ts';

/**
 * A proto enum, accepted by name or by number. `supported` narrows the values Tandem implements; the others
 * are known to Envoy and rejected as not supported.
 *
 * @example
 * const codec = enumOf('CodecType', { AUTO: 0, HTTP1: 1, HTTP2: 2, HTTP3: 3 }, ['AUTO', 'HTTP1', 'HTTP2']);
 */
export function enumOf<K extends string, S extends K = K>(
  name: string,
  values: Readonly<Record<K, number>>,
  supported?: readonly S[],
): Schema<S> {
  const names = Object.keys(values) as K[];
  const usable: readonly string[] = supported ?? names;
  const byNumber = new Map(names.map((key) => [values[key], key]));
  return {
    typeName: name,
    detail: supported === undefined ? undefined : `supported: ${supported.join(', ')}`,
    parse(raw, ctx) {
      const key = typeof raw === 'number' ? byNumber.get(raw) : typeof raw === 'string' ? raw : undefined;
      if (key === undefined || !(key in values)) {
        const got =
          typeof raw === 'string' || typeof raw === 'number' ? JSON.stringify(raw) : describeJson(raw);
        ctx.error(
          ConfigIssueCode.enumValue,
          `${got} is not a ${name} value; expected ${quoteList(names, 'or')}`,
        );
        return undefined;
      }
      if (!usable.includes(key)) {
        ctx.error(
          ConfigIssueCode.unsupported,
          `${name} ${key} is not supported by Tandem; supported: ${quoteList(usable, 'or')}`,
        );
        return undefined;
      }
      return key as S;
    },
    show: String,
  };
}
