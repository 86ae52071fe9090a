import type protobuf from 'protobufjs';
import { fieldIndex, isMessageField } from './field-index.ts';
import { messageFromJson } from './message-from-json.ts';
import { messageNameOf } from './type-urls.ts';
import { WELL_KNOWN_FROM_JSON } from './well-known-from-json.ts';
import { fieldPath, XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';
import { requireMessageType } from './xds-root.ts';

/** A google.protobuf.Any as gRPC libraries carry it: the type URL and the encoded message. */
export interface AnyMessage {
  readonly type_url: string;
  readonly value: Buffer;
}

/**
 * Encodes one resource (or any loaded message) given in proto3 JSON. A leading `"@type"` is allowed when it
 * names the same message as `typeUrl`. Equal JSON gives equal bytes (sorted map keys, defaults left out).
 *
 * @throws {XdsProtoError} with the field path of the first problem.
 * @example
 * const bytes = encodeResource(TypeUrls.cluster, { name: 'web', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } });
 */
export function encodeResource(typeUrl: string, json: unknown): Buffer {
  const type = requireMessageType(typeUrl);
  return asBuffer(encodeMessage(type, withoutTypeField(typeUrl, json), ''));
}

/**
 * Encoded frozen messages, per message type: a frozen object cannot change, so its bytes can be
 * reused by every message that holds it (e.g. a memoized virtual host in many route configurations).
 */
const frozenEncodings = new WeakMap<object, Map<protobuf.Type, Uint8Array>>();

/**
 * Encodes `json` as `type`. Repeated message fields whose items are frozen objects are encoded item
 * by item, each item's bytes remembered, and appended after the other fields (protobuf decoders
 * accept fields in any order), so a route configuration that changed in one virtual host encodes
 * only that one. Equal JSON still gives equal bytes.
 */
function encodeMessage(type: protobuf.Type, json: unknown, path: string): Uint8Array {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || isSpecial(type))
    return type.encode(messageFromJson(type, json, path)).finish();
  const frozen = Object.isFrozen(json);
  const known = frozen ? frozenEncodings.get(json)?.get(type) : undefined;
  if (known !== undefined) return known;
  const spliced = splicedFields(type, json as Record<string, unknown>);
  let bytes: Uint8Array;
  if (spliced.length === 0) bytes = type.encode(messageFromJson(type, json, path)).finish();
  else {
    const rest = { ...(json as Record<string, unknown>) };
    for (const { key } of spliced) delete rest[key];
    const parts: Uint8Array[] = [type.encode(messageFromJson(type, rest, path)).finish()];
    for (const { key, field, items } of spliced) {
      const itemType = field.resolvedType as protobuf.Type;
      const tag = lengthDelimitedTag(field.id);
      for (const [i, item] of items.entries()) {
        const encoded = encodeMessage(itemType, item, `${fieldPath(path, field.name ?? key)}[${i}]`);
        parts.push(tag, varint(encoded.length), encoded);
      }
    }
    bytes = Buffer.concat(parts);
  }
  if (frozen) {
    let byType = frozenEncodings.get(json);
    if (byType === undefined) frozenEncodings.set(json, (byType = new Map()));
    byType.set(type, bytes);
  }
  return bytes;
}

/** Well-known types and Any have JSON forms of their own: encoded whole, never spliced. */
function isSpecial(type: protobuf.Type): boolean {
  const name = type.fullName.slice(1);
  return WELL_KNOWN_FROM_JSON.has(name) || name === 'google.protobuf.Any';
}

interface SplicedField {
  readonly key: string;
  readonly field: protobuf.Field;
  readonly items: readonly object[];
}

/**
 * The repeated message fields of `json` worth encoding item by item: every item a frozen object.
 * A field given under two spellings is left to the generic path, which reports it.
 */
function splicedFields(type: protobuf.Type, json: Record<string, unknown>): SplicedField[] {
  const index = fieldIndex(type);
  const out: SplicedField[] = [];
  const seen = new Set<protobuf.Field>();
  for (const key of Object.keys(json)) {
    const field = index.get(key);
    if (field === undefined) continue;
    if (seen.has(field)) return [];
    seen.add(field);
    const value = json[key];
    if (!field.repeated || field.map || !isMessageField(field) || !Array.isArray(value)) continue;
    if (value.length === 0 || !value.every(isFrozenObject)) continue;
    out.push({ key, field, items: value as object[] });
  }
  return out.sort((a, b) => a.field.id - b.field.id);
}

function isFrozenObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.isFrozen(value);
}

/** The key of a length-delimited field (wire type 2). */
function lengthDelimitedTag(fieldNumber: number): Uint8Array {
  return varint(fieldNumber * 8 + 2);
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encodes one resource into a google.protobuf.Any, ready for a DiscoveryResponse.
 *
 * @example
 * const any = toAny(TypeUrls.routeConfiguration, { name: 'local', virtual_hosts: [] });
 * // any.type_url === 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration'
 */
export function toAny(typeUrl: string, json: unknown): AnyMessage {
  return { type_url: typeUrl, value: encodeResource(typeUrl, json) };
}

function withoutTypeField(typeUrl: string, json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('@type' in json)) return json;
  const { '@type': given, ...rest } = json as Record<string, unknown>;
  if (typeof given !== 'string' || messageNameOf(given) !== messageNameOf(typeUrl)) {
    throw new XdsProtoError(
      XdsProtoErrorCode.conflict,
      '@type',
      `is ${JSON.stringify(given)}, but the resource is a ${messageNameOf(typeUrl)}`,
    );
  }
  return rest;
}
