/**
 * The few DER (X.690) encodings a PKCS#10 certificate request needs: tag-length-value with definite
 * lengths, sequences and sets of already-encoded parts, small integers, object identifiers, octet and
 * bit strings, and context-specific tags. Only encoding: certificates are parsed by node:crypto.
 */

/** One element: `tag`, its length in DER's definite form, then `content`. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, ...lengthOctets(content.length)]), content]);
}

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

export function sequence(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

export function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

/** A non-negative integer below 128 (versions). */
export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127)
    throw new RangeError(`not a small integer: ${value}`);
  return tlv(0x02, Buffer.from([value]));
}

/** An object identifier from its dotted form, `1.2.840.10045.4.3.2`. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128 = [arc % 128];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128))
      base128.unshift(0x80 | (high % 128));
    octets.push(...base128);
  }
  return tlv(0x06, Buffer.from(octets));
}

export function octetString(content: Buffer): Buffer {
  return tlv(0x04, content);
}

/** A bit string of whole octets (no unused bits): signatures. */
export function bitString(content: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
}

/** `[n]` constructed, holding encoded parts (IMPLICIT SET OF, EXPLICIT wrappers). */
export function contextConstructed(n: number, ...parts: Buffer[]): Buffer {
  return tlv(0xa0 | n, Buffer.concat(parts));
}

/** `[n]` primitive, holding raw content (IMPLICIT IA5String of a GeneralName, ...). */
export function contextPrimitive(n: number, content: Buffer): Buffer {
  return tlv(0x80 | n, content);
}
