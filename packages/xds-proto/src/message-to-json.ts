import protobuf from 'protobufjs';
import { isMessageField, jsonNameOf } from './field-index.ts';
import { enumToJson, scalarToJson } from './scalar-json.ts';
import { WELL_KNOWN_TO_JSON } from './well-known-to-json.ts';
import { fieldPath, XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';
import { findMessageType, requireMessageType } from './xds-root.ts';

export interface ToJsonOptions {
  /** Write lowerCamelCase JSON names instead of the proto (snake_case) names Envoy's YAML uses. */
  readonly jsonNames?: boolean;
  /**
   * An Any of a type no loaded proto defines (an extension Tandem does not know): `'typeOnly'` (default)
   * writes just `{"@type": url}`, so the validator can skip an optional filter or name the unknown type;
   * `'error'` throws `TANDEM_ERR_XDS_PROTO_UNKNOWN_TYPE`.
   */
  readonly unknownAny?: 'typeOnly' | 'error';
}

type Decoded = Record<string, unknown>;

const ANY = 'google.protobuf.Any';

function typeName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}

/**
 * Converts a message decoded by protobufjs to proto3 JSON: snake_case names (by default), `Any` expanded with
 * `"@type"`, well-known types in their JSON forms, enums by name, 64-bit integers as strings, fields at their
 * default left out (unless they belong to a oneof or are messages that are set).
 *
 * @throws {XdsProtoError} when an `Any` holds bytes that do not decode (or an unknown type, if asked), naming
 * the path.
 */
export function messageToJson(
  type: protobuf.Type,
  message: Decoded,
  options: ToJsonOptions = {},
  path = '',
): unknown {
  const name = typeName(type);
  const wellKnown = WELL_KNOWN_TO_JSON.get(name);
  if (wellKnown !== undefined) return wellKnown(message);
  if (name === ANY) return anyToJson(message, options, path);
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = fieldToJson(field, message, options, fieldPath(path, field.name));
    if (value !== undefined) out[options.jsonNames ? jsonNameOf(field) : field.name] = value;
  }
  return out;
}

function fieldToJson(field: protobuf.Field, message: Decoded, options: ToJsonOptions, path: string): unknown {
  const value = message[field.name];
  if (value === undefined || value === null) return undefined;
  if (field.map) return mapToJson(field as unknown as protobuf.MapField, value as Decoded, options, path);
  if (field.repeated) {
    const items = value as unknown[];
    if (items.length === 0) return undefined;
    return items.map((item, i) => singleToJson(field, item, options, `${path}[${i}]`));
  }
  const present = Object.hasOwn(message, field.name);
  if (isMessageField(field) || field.partOf !== null) {
    return present ? singleToJson(field, value, options, path) : undefined;
  }
  return isDefault(value) ? undefined : singleToJson(field, value, options, path);
}

function isDefault(value: unknown): boolean {
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    return (value as { low: number; high: number }).low === 0 && (value as { high: number }).high === 0;
  }
  return value === 0 || value === false || value === '';
}

function singleToJson(
  field: protobuf.FieldBase,
  value: unknown,
  options: ToJsonOptions,
  path: string,
): unknown {
  const resolved = field.resolvedType;
  if (isMessageField(field)) return messageToJson(resolved as protobuf.Type, value as Decoded, options, path);
  if (resolved instanceof protobuf.Enum) {
    return resolved.fullName === '.google.protobuf.NullValue' ? null : enumToJson(resolved, value as number);
  }
  return scalarToJson(field.type, value);
}

function mapToJson(field: protobuf.MapField, map: Decoded, options: ToJsonOptions, path: string): unknown {
  const keys = Object.keys(map);
  if (keys.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  const longKeys = /64$/.test(field.keyType);
  for (const key of keys) {
    const jsonKey = longKeys && key.length === 8 ? protobuf.util.longFromHash(key).toString() : key;
    out[jsonKey] = singleToJson(field, map[key], options, `${path}[${JSON.stringify(jsonKey)}]`);
  }
  return out;
}

function anyToJson(message: Decoded, options: ToJsonOptions, path: string): unknown {
  const typeUrl = typeof message.type_url === 'string' ? message.type_url : '';
  const bytes = (message.value ?? new Uint8Array()) as Uint8Array;
  if (typeUrl === '') return {};
  const inner = findMessageType(typeUrl);
  if (inner === undefined) {
    if (options.unknownAny === 'error') requireMessageType(typeUrl, fieldPath(path, '@type'));
    return { '@type': typeUrl };
  }
  const decoded = decodeOrThrow(inner, bytes, path);
  const json = messageToJson(inner, decoded, options, path);
  if (WELL_KNOWN_TO_JSON.has(typeName(inner)) || typeName(inner) === ANY)
    return { '@type': typeUrl, value: json };
  return { '@type': typeUrl, ...(json as Record<string, unknown>) };
}

/** Decodes `bytes` as `type`, turning protobufjs's errors into a `TANDEM_ERR_XDS_PROTO_DECODE` naming `path`. */
export function decodeOrThrow(type: protobuf.Type, bytes: Uint8Array, path: string): Decoded {
  try {
    return type.decode(bytes) as unknown as Decoded;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new XdsProtoError(
      XdsProtoErrorCode.decode,
      path,
      `bytes are not a valid ${typeName(type)}: ${reason}`,
      { cause: error },
    );
  }
}
