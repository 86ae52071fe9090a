import { scalarToJson } from './scalar-json.ts';

/** Converts a decoded message of one well-known type to its proto3 JSON form. */
export type WellKnownToJson = (message: Record<string, unknown>) => unknown;

function wrapper(scalarType: string): WellKnownToJson {
  return (message) => scalarToJson(scalarType, message.value ?? defaultOf(scalarType));
}

function defaultOf(scalarType: string): unknown {
  if (scalarType === 'bool') return false;
  if (scalarType === 'string') return '';
  if (scalarType === 'bytes') return new Uint8Array();
  return 0;
}

/** 0, 3, 6 or 9 fractional digits, as proto3 JSON writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (nanos % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function durationToJson(message: Record<string, unknown>): string {
  const seconds = BigInt(String(message.seconds ?? 0));
  const nanos = Number(message.nanos ?? 0);
  const negative = seconds < 0n || nanos < 0;
  const whole = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${whole}${fraction(Math.abs(nanos))}s`;
}

function timestampToJson(message: Record<string, unknown>): string {
  const seconds = Number(String(message.seconds ?? 0));
  const nanos = Number(message.nanos ?? 0);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

function valueToJson(message: Record<string, unknown>): unknown {
  if (message.structValue != null) return structToJson(message.structValue as Record<string, unknown>);
  if (message.listValue != null) return listValueToJson(message.listValue as Record<string, unknown>);
  if (Object.hasOwn(message, 'stringValue')) return message.stringValue;
  if (Object.hasOwn(message, 'numberValue')) return message.numberValue;
  if (Object.hasOwn(message, 'boolValue')) return message.boolValue;
  return null;
}

function structToJson(message: Record<string, unknown>): Record<string, unknown> {
  const fields = (message.fields ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) out[key] = valueToJson(fields[key]!);
  return out;
}

function listValueToJson(message: Record<string, unknown>): unknown[] {
  const values = (message.values ?? []) as Record<string, unknown>[];
  return values.map(valueToJson);
}

function fieldMaskToJson(message: Record<string, unknown>): string {
  const paths = (message.paths ?? []) as string[];
  return paths.map((p) => p.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())).join(',');
}

/** The well-known types whose proto3 JSON is not a plain object of fields (Any is handled with messages). */
export const WELL_KNOWN_TO_JSON: ReadonlyMap<string, WellKnownToJson> = new Map([
  ['google.protobuf.Duration', durationToJson],
  ['google.protobuf.Timestamp', timestampToJson],
  ['google.protobuf.DoubleValue', wrapper('double')],
  ['google.protobuf.FloatValue', wrapper('float')],
  ['google.protobuf.Int64Value', wrapper('int64')],
  ['google.protobuf.UInt64Value', wrapper('uint64')],
  ['google.protobuf.Int32Value', wrapper('int32')],
  ['google.protobuf.UInt32Value', wrapper('uint32')],
  ['google.protobuf.BoolValue', wrapper('bool')],
  ['google.protobuf.StringValue', wrapper('string')],
  ['google.protobuf.BytesValue', wrapper('bytes')],
  ['google.protobuf.Struct', structToJson],
  ['google.protobuf.Value', valueToJson],
  ['google.protobuf.ListValue', listValueToJson],
  ['google.protobuf.FieldMask', fieldMaskToJson],
  ['google.protobuf.Empty', () => ({})],
]);
