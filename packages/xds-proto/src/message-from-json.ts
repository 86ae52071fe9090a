import protobuf from 'protobufjs';
import { fieldIndex, isMessageField, suggestField, tracksPresence } from './field-index.ts';
import { enumFromJson, isDefaultScalar, type ScalarValue, scalarFromJson } from './scalar-json.ts';
import { WELL_KNOWN_FROM_JSON } from './well-known-from-json.ts';
import { fieldPath, XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';
import { requireMessageType } from './xds-root.ts';

/** A message as protobufjs's `Type.encode` takes it: proto field names, enums as numbers, Any pre-encoded. */
export type EncodableMessage = Record<string, unknown>;

const ANY = 'google.protobuf.Any';

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

function typeName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}

/**
 * Converts proto3 JSON (field names in snake_case or lowerCamelCase, Any as `{"@type": ...}`, well-known types
 * in their JSON forms) to the plain object protobufjs encodes. Implicit-presence fields equal to their default
 * are left out, map keys and Struct fields are sorted, so equal JSON gives equal bytes.
 *
 * @throws {XdsProtoError} naming the field path, e.g. `virtual_hosts[0].routes[1].match.prefx: unknown field`.
 */
export function messageFromJson(type: protobuf.Type, json: unknown, path = ''): EncodableMessage {
  const name = typeName(type);
  const wellKnown = WELL_KNOWN_FROM_JSON.get(name);
  if (wellKnown !== undefined) return wellKnown(json, path);
  if (name === ANY) return anyFromJson(json, path);
  if (!isObject(json)) {
    throw new XdsProtoError(
      XdsProtoErrorCode.invalidValue,
      path,
      `expected an object (${name}), got ${JSON.stringify(json)}`,
    );
  }
  return fieldsFromJson(type, json, path);
}

function fieldsFromJson(type: protobuf.Type, json: Record<string, unknown>, path: string): EncodableMessage {
  const index = fieldIndex(type);
  const out: EncodableMessage = {};
  const oneofMembers = new Map<string, string>();
  for (const key of Object.keys(json)) {
    const field = index.get(key);
    const here = fieldPath(path, field?.name ?? key);
    if (field === undefined) throw unknownField(type, key, fieldPath(path, key));
    if (field.name in out) {
      throw new XdsProtoError(XdsProtoErrorCode.conflict, here, 'given twice (as snake_case and camelCase)');
    }
    const raw = json[key];
    if (raw === null && !acceptsNull(field)) continue;
    if (field.partOf !== null) checkOneof(field, oneofMembers, here);
    const value = fieldFromJson(field, raw, here);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

function unknownField(type: protobuf.Type, key: string, path: string): XdsProtoError {
  const suggestion = suggestField(type, key);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return new XdsProtoError(XdsProtoErrorCode.unknownField, path, `unknown field in ${typeName(type)}${hint}`);
}

/** Only google.protobuf.Value and NullValue give `null` a meaning; elsewhere it means "not set". */
function acceptsNull(field: protobuf.Field): boolean {
  if (field.repeated || field.map) return false;
  const resolved = field.resolvedType?.fullName;
  return resolved === '.google.protobuf.Value' || resolved === '.google.protobuf.NullValue';
}

function checkOneof(field: protobuf.Field, members: Map<string, string>, path: string): void {
  const group = field.partOf!.name;
  const other = members.get(group);
  if (other !== undefined) {
    throw new XdsProtoError(
      XdsProtoErrorCode.conflict,
      path,
      `only one of the oneof "${group}" may be set, but "${other}" is set too`,
    );
  }
  members.set(group, field.name);
}

function fieldFromJson(field: protobuf.Field, raw: unknown, path: string): unknown {
  if (field.map) return mapFromJson(field as unknown as protobuf.MapField, raw, path);
  if (field.repeated) {
    if (!Array.isArray(raw))
      throw new XdsProtoError(XdsProtoErrorCode.invalidValue, path, 'expected an array');
    if (raw.length === 0) return undefined;
    return raw.map((item, i) => singleFromJson(field, item, `${path}[${i}]`));
  }
  const value = singleFromJson(field, raw, path);
  if (!tracksPresence(field) && isDefaultScalar(field.type, value as ScalarValue)) return undefined;
  return value;
}

function singleFromJson(field: protobuf.FieldBase, raw: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (isMessageField(field)) return messageFromJson(resolved as protobuf.Type, raw, path);
  if (resolved instanceof protobuf.Enum) {
    return raw === null && resolved.fullName === '.google.protobuf.NullValue'
      ? 0
      : enumFromJson(resolved, raw, path);
  }
  return scalarFromJson(field.type, raw, path);
}

function mapFromJson(field: protobuf.MapField, raw: unknown, path: string): EncodableMessage | undefined {
  if (!isObject(raw))
    throw new XdsProtoError(XdsProtoErrorCode.invalidValue, path, 'expected an object (map)');
  const keys = Object.keys(raw).sort();
  if (keys.length === 0) return undefined;
  const out: EncodableMessage = {};
  for (const key of keys) {
    const here = `${path}[${JSON.stringify(key)}]`;
    checkMapKey(field.keyType, key, here);
    out[key] = singleFromJson(field, raw[key], here);
  }
  return out;
}

function checkMapKey(keyType: string, key: string, path: string): void {
  if (keyType === 'string') return;
  if (keyType === 'bool') {
    if (key !== 'true' && key !== 'false') {
      throw new XdsProtoError(XdsProtoErrorCode.invalidValue, path, 'map key must be "true" or "false"');
    }
    return;
  }
  scalarFromJson(keyType, key, path);
}

/** `{"@type": url, ...fields}` (or `{"@type": url, "value": ...}` for well-known types) to `{type_url, value}`. */
function anyFromJson(json: unknown, path: string): EncodableMessage {
  if (!isObject(json)) {
    throw new XdsProtoError(XdsProtoErrorCode.invalidValue, path, 'expected an object with "@type" (Any)');
  }
  const typeUrl = json['@type'];
  if (typeUrl === undefined && Object.keys(json).length === 0) return {};
  if (typeof typeUrl !== 'string' || typeUrl === '') {
    throw new XdsProtoError(
      XdsProtoErrorCode.invalidValue,
      fieldPath(path, '@type'),
      'missing type URL (Any)',
    );
  }
  const inner = requireMessageType(typeUrl, fieldPath(path, '@type'));
  const rest = Object.fromEntries(Object.entries(json).filter(([key]) => key !== '@type'));
  let innerJson: unknown = rest;
  if (WELL_KNOWN_FROM_JSON.has(typeName(inner)) || typeName(inner) === ANY) {
    const extra = Object.keys(rest).find((key) => key !== 'value');
    if (extra !== undefined) throw unknownField(inner, extra, fieldPath(path, extra));
    innerJson = rest.value;
  }
  const value = inner.encode(messageFromJson(inner, innerJson, path)).finish();
  return { type_url: typeUrl, value };
}
