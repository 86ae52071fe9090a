/**
 * Small, allocation-light IP address parsing and formatting for filter-chain matching and
 * certificate SAN comparison. Addresses are byte arrays: 4 bytes for IPv4, 16 for IPv6.
 *
 * @example
 * parseIp('10.0.0.1');          // Uint8Array [10, 0, 0, 1]
 * parseIp('::ffff:10.0.0.1');   // 16 bytes; ipv4FromMapped() gives [10, 0, 0, 1]
 * formatIp(parseIp('0:0:0:0:0:0:0:1')!); // '::1'
 */

/** Parses a dotted-quad IPv4 or an IPv6 address (zone id and brackets allowed); undefined if invalid. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.length === 0) return undefined;
  if (text.charCodeAt(0) === 0x5b /* [ */ && text.endsWith(']')) text = text.slice(1, -1);
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

export function parseIpv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  return writeIpv4(text, out, 0) ? out : undefined;
}

/** Writes the dotted quad `text` into `out` at `offset`; false if it is not a valid IPv4 address. */
function writeIpv4(text: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; /* '.' terminates the last part */
    if (c >= 0x30 && c <= 0x39) {
      // Leading zeros are ambiguous (octal in some parsers): reject like inet_pton.
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return false;
    } else if (c === 0x2e && digits > 0 && part < 4) {
      out[offset + part++] = value;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return part === 4;
}

export function parseIpv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap >= 0 ? text.slice(0, gap) : text;
  const tail = gap >= 0 ? text.slice(gap + 2) : '';
  const out = new Uint8Array(16);
  const headGroups = writeGroups(head, out, 0, gap < 0);
  if (headGroups < 0) return undefined;
  if (gap < 0) return headGroups === 8 ? out : undefined;
  const tailBytes = new Uint8Array(16);
  const tailGroups = writeGroups(tail, tailBytes, 0, true);
  if (tailGroups < 0 || headGroups + tailGroups > 7) return undefined;
  out.set(tailBytes.subarray(0, tailGroups * 2), 16 - tailGroups * 2);
  return out;
}

/**
 * Writes colon-separated hex groups into `out`; returns how many 16-bit groups were written or -1.
 * When `allowIpv4Tail` the last part may be a dotted quad (two groups).
 */
function writeGroups(text: string, out: Uint8Array, offset: number, allowIpv4Tail: boolean): number {
  if (text.length === 0) return 0;
  const parts = text.split(':');
  let groups = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && allowIpv4Tail && part.includes('.')) {
      if (groups > 6 || !writeIpv4(part, out, offset + groups * 2)) return -1;
      return groups + 2;
    }
    if (part.length === 0 || part.length > 4 || !/^[0-9a-fA-F]+$/.test(part) || groups >= 8) return -1;
    const value = Number.parseInt(part, 16);
    out[offset + groups * 2] = value >> 8;
    out[offset + groups * 2 + 1] = value & 0xff;
    groups++;
  }
  return groups;
}

/** For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) returns the 4 IPv4 bytes, else undefined. */
export function ipv4FromMapped(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16 || bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  return bytes.subarray(12, 16);
}

/** Formats like inet_ntop: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const mapped = ipv4FromMapped(bytes);
  if (mapped) return `::ffff:${formatIp(mapped)}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  const [runStart, runLength] = longestZeroRun(groups);
  if (runLength < 2) return groups.map((g) => g.toString(16)).join(':');
  const head = groups.slice(0, runStart).map((g) => g.toString(16));
  const tail = groups.slice(runStart + runLength).map((g) => g.toString(16));
  return `${head.join(':')}::${tail.join(':')}`;
}

function longestZeroRun(groups: number[]): [number, number] {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  return [bestStart, bestLength];
}
