import type protobuf from 'protobufjs';
import { XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';

/** What protobufjs encodes for a scalar field: 64-bit integers travel as decimal strings. */
export type ScalarValue = number | string | boolean | Uint8Array;

const INT32 = { min: -2147483648, max: 2147483647 };
const UINT32 = { min: 0, max: 4294967295 };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };
const FLOAT_MAX = 3.4028234663852886e38;

const RANGES_32: Readonly<Record<string, { min: number; max: number }>> = {
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
};
const RANGES_64: Readonly<Record<string, { min: bigint; max: bigint }>> = {
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
};

function invalid(path: string, message: string): XdsProtoError {
  return new XdsProtoError(XdsProtoErrorCode.invalidValue, path, message);
}

function show(json: unknown): string {
  const text = JSON.stringify(json);
  return text === undefined ? String(json) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Converts the proto3 JSON of a scalar field of proto type `type` to what protobufjs encodes. */
export function scalarFromJson(type: string, json: unknown, path: string): ScalarValue {
  const range32 = RANGES_32[type];
  if (range32 !== undefined) return int32FromJson(type, range32, json, path);
  const range64 = RANGES_64[type];
  if (range64 !== undefined) return int64FromJson(type, range64, json, path);
  switch (type) {
    case 'double':
    case 'float':
      return floatFromJson(type, json, path);
    case 'bool':
      if (typeof json !== 'boolean') throw invalid(path, `expected true or false (bool), got ${show(json)}`);
      return json;
    case 'string':
      if (typeof json !== 'string') throw invalid(path, `expected a string, got ${show(json)}`);
      return json;
    case 'bytes':
      return bytesFromJson(json, path);
  }
  throw invalid(path, `unsupported scalar type ${type}`);
}

function int32FromJson(
  type: string,
  range: { min: number; max: number },
  json: unknown,
  path: string,
): number {
  const value = typeof json === 'string' && json.trim() !== '' ? Number(json) : json;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(path, `expected an integer (${type}), got ${show(json)}`);
  }
  if (value < range.min || value > range.max) {
    throw invalid(path, `${value} is out of range for ${type} (${range.min}..${range.max})`);
  }
  return value;
}

function int64FromJson(
  type: string,
  range: { min: bigint; max: bigint },
  json: unknown,
  path: string,
): string {
  let value: bigint | undefined;
  if (typeof json === 'number' && Number.isSafeInteger(json)) value = BigInt(json);
  else if (typeof json === 'string' && /^-?\d+$/.test(json.trim())) value = BigInt(json.trim());
  if (value === undefined) {
    const hint = typeof json === 'number' && Number.isInteger(json) ? '; write large values as strings' : '';
    throw invalid(
      path,
      `expected an integer (${type}) as a number or a decimal string, got ${show(json)}${hint}`,
    );
  }
  if (value < range.min || value > range.max) throw invalid(path, `${value} is out of range for ${type}`);
  return value.toString();
}

function floatFromJson(type: string, json: unknown, path: string): number {
  let value: number | undefined;
  if (typeof json === 'number') value = json;
  else if (json === 'NaN') value = Number.NaN;
  else if (json === 'Infinity') value = Number.POSITIVE_INFINITY;
  else if (json === '-Infinity') value = Number.NEGATIVE_INFINITY;
  else if (typeof json === 'string' && json.trim() !== '' && Number.isFinite(Number(json)))
    value = Number(json);
  if (value === undefined) throw invalid(path, `expected a number (${type}), got ${show(json)}`);
  if (type === 'float' && Number.isFinite(value) && Math.abs(value) > FLOAT_MAX) {
    throw invalid(path, `${value} is out of range for float`);
  }
  return value;
}

function bytesFromJson(json: unknown, path: string): Uint8Array {
  if (typeof json !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(json)) {
    throw invalid(path, `expected base64 text (bytes), got ${show(json)}`);
  }
  return Buffer.from(json.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Converts an enum given by name (or number) to its number. */
export function enumFromJson(type: protobuf.Enum, json: unknown, path: string): number {
  if (typeof json === 'number' && Number.isInteger(json) && json >= INT32.min && json <= INT32.max)
    return json;
  if (typeof json === 'string' && Object.hasOwn(type.values, json)) return type.values[json]!;
  const names = Object.keys(type.values);
  const listed = names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, ...`;
  throw invalid(path, `${show(json)} is not a ${type.name} value; expected one of ${listed}`);
}

/** Whether a converted scalar equals its proto3 default (and so is left off the wire). */
export function isDefaultScalar(type: string, value: ScalarValue): boolean {
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'string') return value === (RANGES_64[type] === undefined ? '' : '0');
  return value === 0 || value === false;
}

/** Converts a decoded scalar of proto type `type` to proto3 JSON. */
export function scalarToJson(type: string, value: unknown): unknown {
  if (RANGES_64[type] !== undefined) return String(value);
  if (type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (type === 'double' || type === 'float') {
    const number = value as number;
    if (Number.isNaN(number)) return 'NaN';
    if (!Number.isFinite(number)) return number > 0 ? 'Infinity' : '-Infinity';
    return type === 'float' ? shortestFloat32(number) : number;
  }
  return value;
}

/** The shortest decimal that reads back as the same float32 (what proto3 JSON prints for a float). */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Converts a decoded enum number to its name (or the number when the name is unknown). */
export function enumToJson(type: protobuf.Enum, value: number): string | number {
  return Object.hasOwn(type.valuesById, value) ? type.valuesById[value]! : value;
}
