import { ConfigIssueCode } from '../issue-codes.ts';
import type { MessageSchema } from './message.ts';
import { describeJson, isPlainObject, type Schema } from './schema.ts';
import type { ValidationContext } from './validation-context.ts';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** One extension type known to a registry. */
export interface TypeEntry<T> {
  /** Canonical type URL, `type.googleapis.com/<full message name>`. */
  readonly typeUrl: string;
  readonly schema: MessageSchema<T>;
  /** Well-known extension names that select this type when `typed_config` is absent. */
  readonly names: readonly string[];
  /** For filters: whether the filter ends its chain (router, tcp_proxy, ...). */
  readonly terminal: boolean;
}

export interface RegisterOptions {
  readonly names?: readonly string[];
  readonly terminal?: boolean;
}

/** Message name of a type URL: the part after the last `/` (Envoy ignores the host part). */
function messageName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/**
 * The extension types accepted in one kind of `typed_config` (network filters, HTTP filters, ...), keyed by
 * type URL. Core code reads from a registry; each extension registers itself.
 */
export class TypeRegistry<T> {
  /** What the extensions are, for messages: `network filter`, `HTTP filter`, ... */
  readonly what: string;
  readonly #byMessage = new Map<string, TypeEntry<T>>();

  constructor(what: string) {
    this.what = what;
  }

  register(typeUrl: string, schema: MessageSchema<T>, options: RegisterOptions = {}): void {
    if (!typeUrl.startsWith(TYPE_URL_PREFIX)) throw new Error(`type URL must start with ${TYPE_URL_PREFIX}`);
    const key = messageName(typeUrl);
    if (this.#byMessage.has(key)) throw new Error(`${this.what} type ${typeUrl} is already registered`);
    const entry = { typeUrl, schema, names: options.names ?? [], terminal: options.terminal ?? false };
    this.#byMessage.set(key, entry);
  }

  lookup(typeUrl: string): TypeEntry<T> | undefined {
    return this.#byMessage.get(messageName(typeUrl));
  }

  lookupByName(name: string): TypeEntry<T> | undefined {
    return this.entries().find((entry) => entry.names.includes(name));
  }

  entries(): readonly TypeEntry<T>[] {
    return [...this.#byMessage.values()];
  }
}

/** A parsed `typed_config`: which registered type it was and its validated value. */
export interface TypedValue<T> {
  readonly entry: TypeEntry<T>;
  readonly value: T;
}

/** Opaque-config wrappers Envoy unwraps wherever it reads an extension's `typed_config`. */
const TYPED_STRUCTS = new Set(['udpa.type.v1.TypedStruct', 'xds.type.v3.TypedStruct']);

/**
 * A TypedStruct (`{type_url, value}`) as the Any it stands for: `{"@type": type_url, ...value}`;
 * anything else unchanged. Returns undefined (with an error) for a malformed TypedStruct.
 */
export function unwrapTypedStruct(
  raw: Readonly<Record<string, unknown>>,
  ctx: ValidationContext,
): Readonly<Record<string, unknown>> | undefined {
  const typeUrl = raw['@type'];
  if (typeof typeUrl !== 'string' || !TYPED_STRUCTS.has(messageName(typeUrl))) return raw;
  const inner = raw.type_url ?? raw.typeUrl;
  const value = raw.value ?? {};
  if (typeof inner !== 'string' || inner === '' || !isPlainObject(value)) {
    ctx.error(ConfigIssueCode.typeUrl, 'a TypedStruct needs "type_url" and an object "value"');
    return undefined;
  }
  return { ...value, '@type': inner };
}

/**
 * google.protobuf.Any restricted to the types in `registry`, dispatched on `@type`. A TypedStruct
 * wrapping a registered type is accepted as that type (Envoy does the same).
 */
export function anyOf<T>(registry: TypeRegistry<T>): Schema<TypedValue<T>> {
  return {
    typeName: 'Any',
    get detail() {
      return `${registry.what}: ${registry
        .entries()
        .map((entry) => entry.schema.title)
        .join(', ')}`;
    },
    parse(given, ctx) {
      if (!isPlainObject(given)) {
        ctx.error(ConfigIssueCode.type, `expected an object with "@type", got ${describeJson(given)}`);
        return undefined;
      }
      const raw = unwrapTypedStruct(given, ctx);
      if (raw === undefined) return undefined;
      const typeUrl = raw['@type'];
      if (typeof typeUrl !== 'string' || typeUrl === '') {
        ctx.error(ConfigIssueCode.typeUrl, `missing "@type" (the type URL of the ${registry.what} config)`);
        return undefined;
      }
      const entry = registry.lookup(typeUrl);
      if (entry === undefined) {
        ctx.error(ConfigIssueCode.typeUrl, unknownTypeMessage(registry, typeUrl));
        return undefined;
      }
      const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '@type'));
      return { entry, value: entry.schema.parse(rest, ctx) as T };
    },
    nested: () =>
      registry.entries().map((entry) => ({ suffix: `(${entry.schema.title})`, schema: entry.schema })),
  };
}

export function unknownTypeMessage<T>(registry: TypeRegistry<T>, typeUrl: string): string {
  const known = registry.entries().map((entry) => entry.typeUrl);
  return `unknown ${registry.what} type URL ${JSON.stringify(typeUrl)}; Tandem supports ${known.join(', ') || 'none'}`;
}
