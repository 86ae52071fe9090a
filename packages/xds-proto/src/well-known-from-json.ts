import { scalarFromJson } from './scalar-json.ts';
import { fieldPath, XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';

/** Converts the proto3 JSON of one well-known type to the plain object protobufjs encodes. */
export type WellKnownFromJson = (json: unknown, path: string) => Record<string, unknown>;

const MAX_SECONDS = 315_576_000_000;

function invalid(path: string, message: string): XdsProtoError {
  return new XdsProtoError(XdsProtoErrorCode.invalidValue, path, message);
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** A wrapper is its plain value; `{value: x}` (what decoders without proto3 JSON produce) is accepted too. */
function wrapper(scalarType: string): WellKnownFromJson {
  return (json, path) => {
    const inner = isObject(json) && Object.keys(json).length === 1 && 'value' in json ? json.value : json;
    return { value: scalarFromJson(scalarType, inner, path) };
  };
}

/** `"1.5s"`, `"-0.000000001s"`; also the object form `{seconds, nanos}`. */
function durationFromJson(json: unknown, path: string): Record<string, unknown> {
  if (isObject(json)) return secondsAndNanos(json, path);
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (match === null) {
    throw invalid(path, `expected a duration like "5s" or "0.250s" (Duration), got ${JSON.stringify(json)}`);
  }
  const [, minus, whole, fraction = ''] = match;
  const seconds = Number(whole);
  if (seconds > MAX_SECONDS) throw invalid(path, `duration ${json} is longer than 10000 years`);
  const nanos = Number(fraction.padEnd(9, '0'));
  const sign = minus === '-' ? -1 : 1;
  return { seconds: String(sign * seconds), nanos: sign * nanos };
}

function secondsAndNanos(json: Record<string, unknown>, path: string): Record<string, unknown> {
  for (const key of Object.keys(json)) {
    if (key !== 'seconds' && key !== 'nanos') {
      throw new XdsProtoError(XdsProtoErrorCode.unknownField, fieldPath(path, key), 'unknown field');
    }
  }
  return {
    seconds: scalarFromJson('int64', json.seconds ?? 0, fieldPath(path, 'seconds')),
    nanos: scalarFromJson('int32', json.nanos ?? 0, fieldPath(path, 'nanos')),
  };
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339, e.g. `"2024-05-01T10:00:20.021Z"` or with an offset. */
function timestampFromJson(json: unknown, path: string): Record<string, unknown> {
  if (isObject(json)) return secondsAndNanos(json, path);
  const match = typeof json === 'string' ? TIMESTAMP.exec(json) : null;
  if (match === null) {
    throw invalid(path, `expected an RFC 3339 time like "2024-01-01T00:00:00Z", got ${JSON.stringify(json)}`);
  }
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(hour) > 23) {
    throw invalid(path, `${json} is not a valid date and time`);
  }
  const utcMs = date.getTime();
  const offsetMinutes = /^[Zz]$/.test(zone!)
    ? 0
    : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  const seconds = Math.floor(utcMs / 1000) - offsetMinutes * 60;
  if (Number(year) < 1 || seconds > 253_402_300_799) throw invalid(path, `${json} is outside 0001..9999`);
  return { seconds: String(seconds), nanos: Number(fraction.padEnd(9, '0')) };
}

/**
 * Any JSON value as google.protobuf.Value. protobufjs bundles struct.proto with camelCase field names
 * (`numberValue`, ...), so those are the names its encoder reads.
 */
function valueFromJson(json: unknown, path: string): Record<string, unknown> {
  if (json === null) return { nullValue: 0 };
  switch (typeof json) {
    case 'number':
      if (!Number.isFinite(json)) throw invalid(path, 'a Value cannot hold NaN or Infinity');
      return { numberValue: json };
    case 'string':
      return { stringValue: json };
    case 'boolean':
      return { boolValue: json };
    case 'object':
      return Array.isArray(json)
        ? { listValue: listValueFromJson(json, path) }
        : { structValue: structFromJson(json, path) };
  }
  throw invalid(path, `${typeof json} is not a JSON value`);
}

function structFromJson(json: unknown, path: string): Record<string, unknown> {
  if (!isObject(json)) throw invalid(path, `expected an object (Struct), got ${JSON.stringify(json)}`);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(json).sort()) {
    fields[key] = valueFromJson(json[key], `${path}[${JSON.stringify(key)}]`);
  }
  return { fields };
}

function listValueFromJson(json: unknown, path: string): Record<string, unknown> {
  if (!Array.isArray(json)) throw invalid(path, `expected an array (ListValue), got ${JSON.stringify(json)}`);
  return { values: json.map((item, i) => valueFromJson(item, `${path}[${i}]`)) };
}

/** `"user.displayName,photo"` -> paths `user.display_name`, `photo`. */
function fieldMaskFromJson(json: unknown, path: string): Record<string, unknown> {
  if (typeof json !== 'string') throw invalid(path, `expected a comma-separated string (FieldMask)`);
  const paths =
    json === '' ? [] : json.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return { paths };
}

function emptyFromJson(json: unknown, path: string): Record<string, unknown> {
  if (!isObject(json)) throw invalid(path, 'expected {} (Empty)');
  const [key] = Object.keys(json);
  if (key !== undefined)
    throw new XdsProtoError(XdsProtoErrorCode.unknownField, fieldPath(path, key), 'unknown field');
  return {};
}

/** The well-known types whose proto3 JSON is not a plain object of fields (Any is handled with messages). */
export const WELL_KNOWN_FROM_JSON: ReadonlyMap<string, WellKnownFromJson> = new Map([
  ['google.protobuf.Duration', durationFromJson],
  ['google.protobuf.Timestamp', timestampFromJson],
  ['google.protobuf.DoubleValue', wrapper('double')],
  ['google.protobuf.FloatValue', wrapper('float')],
  ['google.protobuf.Int64Value', wrapper('int64')],
  ['google.protobuf.UInt64Value', wrapper('uint64')],
  ['google.protobuf.Int32Value', wrapper('int32')],
  ['google.protobuf.UInt32Value', wrapper('uint32')],
  ['google.protobuf.BoolValue', wrapper('bool')],
  ['google.protobuf.StringValue', wrapper('string')],
  ['google.protobuf.BytesValue', wrapper('bytes')],
  ['google.protobuf.Struct', structFromJson],
  ['google.protobuf.Value', valueFromJson],
  ['google.protobuf.ListValue', listValueFromJson],
  ['google.protobuf.FieldMask', fieldMaskFromJson],
  ['google.protobuf.Empty', emptyFromJson],
]);
