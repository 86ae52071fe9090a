/**
 * FNV-1a, 32-bit, for hash policies (consistent-hash load balancing keys and generated cookie
 * values). Strings are hashed as bytes: a UTF-16 code unit up to 0xFF is one byte (Node hands
 * header values over as latin1, so this is the byte that was on the wire); anything above is
 * hashed as its UTF-8 encoding.
 *
 * Request keys need an incremental hash (several header values fold into one); the load
 * balancers place hosts on rings with their own hash (`upstream/lb/hash.ts`). The two never need
 * to agree: a request hash only has to be stable for equal keys.
 */

export const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME);
}

/** Continues an FNV-1a hash `h` over `s`; start from `FNV_OFFSET_BASIS`. Returns an unsigned 32-bit value. */
export function fnv1a32Update(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c <= 0xff) {
      h = mix(h, c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    h = mixUtf8(h, c);
  }
  return h >>> 0;
}

function mixUtf8(h: number, c: number): number {
  if (c < 0x800) return mix(mix(h, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
  if (c < 0x10000) return mix(mix(mix(h, 0xe0 | (c >> 12)), 0x80 | ((c >> 6) & 0x3f)), 0x80 | (c & 0x3f));
  h = mix(mix(h, 0xf0 | (c >> 18)), 0x80 | ((c >> 12) & 0x3f));
  return mix(mix(h, 0x80 | ((c >> 6) & 0x3f)), 0x80 | (c & 0x3f));
}

/** FNV-1a 32 of `s` as an unsigned 32-bit integer. */
/**
 * MurmurHash3's finalizer: every input bit affects every output bit. FNV-1a alone leaves keys
 * that differ in their last byte (`user1`, `user2`, ...) close together in the high bits, which
 * bunches them on a hash ring; the request hash goes through this before it picks a host.
 */
export function avalanche32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(s: string): number {
  return fnv1a32Update(FNV_OFFSET_BASIS, s);
}
