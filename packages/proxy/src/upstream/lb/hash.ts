/**
 * MurmurHash3 (x86, 32-bit) over the UTF-8 bytes of a string: fast, deterministic, and the
 * same on every platform. Used to place hosts on hash rings and Maglev tables and, by the
 * router's hash policies, to hash request keys.
 *
 * @example
 * ```ts
 * hashString('user-42'); // an unsigned 32-bit integer, stable across runs and machines
 * ```
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Reused UTF-8 scratch space so that hashing a string allocates nothing. */
let scratch = new Uint8Array(256);

/** Hashes `s` (as UTF-8) with MurmurHash3 x86_32; returns an unsigned 32-bit integer. */
export function hashString(s: string, seed = 0): number {
  if (s.length * 3 > scratch.length) scratch = new Uint8Array(s.length * 3);
  const length = encodeUtf8(s, scratch);
  return hashBytes(scratch, length, seed);
}

/** Hashes the first `length` bytes of `bytes` with MurmurHash3 x86_32. */
export function hashBytes(bytes: Uint8Array, length = bytes.length, seed = 0): number {
  let h = seed | 0;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h ^= scrambleBlock(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest > 0) {
    let tail = bytes[blocksEnd];
    if (rest > 1) tail |= bytes[blocksEnd + 1] << 8;
    if (rest > 2) tail |= bytes[blocksEnd + 2] << 16;
    h ^= scrambleBlock(tail);
  }
  h ^= length;
  return finalMix(h);
}

function scrambleBlock(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Writes `s` as UTF-8 into `out` (which must hold `s.length * 3` bytes) and returns the byte
 * count. A lone surrogate becomes U+FFFD, as `TextEncoder` does.
 */
function encodeUtf8(s: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 0x3f);
    out[n++] = 0x80 | (c & 0x3f);
  }
  return n;
}
