/**
 * The few protobuf wire-format pieces the ADS server writes and reads by hand (around the generic
 * serializers, for the messages it handles by the thousand): varints and length-delimited fields.
 */

export const WIRE_LENGTH = 2;

const EMPTY = Buffer.alloc(0);

/** A varint's bytes. */
export function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** The varint at `pos`: its value and the position after it (NaN when truncated). */
export function readVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let multiplier = 1;
  let at = pos;
  for (;;) {
    if (at >= bytes.length) return [Number.NaN, bytes.length];
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return [value, at];
    multiplier *= 128;
  }
}

/** The tag and length prefix of a length-delimited field of `length` bytes. */
export function lengthPrefix(field: number, length: number): Buffer {
  return Buffer.concat([varint(field * 8 + WIRE_LENGTH), varint(length)]);
}

/** A bytes field; empty values are left out, as proto3 serializers do. */
export function bytesField(field: number, value: Uint8Array): Buffer {
  return value.length === 0 ? EMPTY : Buffer.concat([lengthPrefix(field, value.length), value]);
}

/** A string field; empty strings are left out, as proto3 serializers do. */
export function stringField(field: number, value: string): Buffer {
  return value === '' ? EMPTY : bytesField(field, Buffer.from(value, 'utf8'));
}
