import { decodeOrThrow, messageToJson, type ToJsonOptions } from './message-to-json.ts';
import { requireMessageType } from './xds-root.ts';

/** A google.protobuf.Any as received: bytes in any Uint8Array (proto-loader gives Buffers). */
export interface AnyInput {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/**
 * Decodes a resource carried in an Any to proto3 JSON, the input `validateResource` (packages/api) expects:
 * snake_case field names, nested Anys expanded with `"@type"`, durations as `"1.500s"`, wrappers as plain
 * values, enums by name, 64-bit integers as strings, defaults left out. The result has no top-level `"@type"`
 * (it is `any.type_url`). A nested Any of an unknown type becomes `{"@type": url}` unless
 * `options.unknownAny` is `'error'`.
 *
 * @throws {XdsProtoError} for an unknown resource type URL or bytes that do not decode, naming the field path.
 * @example
 * const json = decodeResource(response.resources[0]);
 * const result = validateResource(response.type_url, json);
 */
export function decodeResource(any: AnyInput, options: ToJsonOptions = {}): Record<string, unknown> {
  return decodeMessage(any.type_url, any.value, options) as Record<string, unknown>;
}

/** Decodes bytes of the message a type URL (or full message name) names to proto3 JSON. */
export function decodeMessage(
  typeUrlOrName: string,
  bytes: Uint8Array,
  options: ToJsonOptions = {},
): unknown {
  const type = requireMessageType(typeUrlOrName);
  return messageToJson(type, decodeOrThrow(type, bytes, ''), options);
}

/** Decodes an Any to its canonical proto3 JSON, `{"@type": url, ...fields}`. */
export function decodeAny(any: AnyInput, options: ToJsonOptions = {}): Record<string, unknown> {
  const anyType = requireMessageType('google.protobuf.Any');
  return messageToJson(anyType, { type_url: any.type_url, value: any.value }, options) as Record<
    string,
    unknown
  >;
}
