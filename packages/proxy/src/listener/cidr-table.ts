import type { CidrRange } from '@tandem/api/envoy';
import { ipv4FromMapped, parseIp } from './ip-address.ts';

/** A CIDR range after validation: address bytes (4 or 16) with host bits cleared. */
export interface ParsedCidr {
  readonly bytes: Uint8Array;
  readonly prefixLen: number;
}

/** The catch-all ranges an empty `prefix_ranges` stands for (Envoy uses 0.0.0.0/0 and ::/0). */
export const CATCH_ALL_CIDRS: readonly ParsedCidr[] = [
  { bytes: new Uint8Array(4), prefixLen: 0 },
  { bytes: new Uint8Array(16), prefixLen: 0 },
];

/** Validates a CidrRange; returns a reason string when it is invalid. Host bits are masked off. */
export function parseCidr(range: CidrRange): ParsedCidr | string {
  const bytes = parseIp(range.addressPrefix);
  if (!bytes) return `invalid address_prefix "${range.addressPrefix}"`;
  const maxLen = bytes.length * 8;
  if (!Number.isInteger(range.prefixLen) || range.prefixLen < 0 || range.prefixLen > maxLen) {
    return `invalid prefix_len ${range.prefixLen} for "${range.addressPrefix}" (max ${maxLen})`;
  }
  const masked = new Uint8Array(bytes);
  for (let bit = range.prefixLen; bit < maxLen; bit++) masked[bit >> 3] &= ~(0x80 >> (bit & 7));
  return { bytes: masked, prefixLen: range.prefixLen };
}

interface TrieNode<T> {
  zero: TrieNode<T> | undefined;
  one: TrieNode<T> | undefined;
  value: T | undefined;
}

function newNode<T>(): TrieNode<T> {
  return { zero: undefined, one: undefined, value: undefined };
}

/**
 * Longest-prefix-match table over IPv4 and IPv6 ranges: a binary trie per family, built once at
 * config time; a lookup walks at most 32/128 bits and allocates nothing.
 *
 * An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what dual-stack sockets report) is looked up in
 * the IPv4 table first, then in the IPv6 table.
 */
export class CidrTable<T> {
  private readonly v4 = newNode<T>();
  private readonly v6 = newNode<T>();

  /** Returns the value stored for exactly this range, creating it with `create` if absent. */
  getOrCreate(cidr: ParsedCidr, create: () => T): T {
    let node = cidr.bytes.length === 4 ? this.v4 : this.v6;
    for (let bit = 0; bit < cidr.prefixLen; bit++) {
      const isOne = (cidr.bytes[bit >> 3] & (0x80 >> (bit & 7))) !== 0;
      if (isOne) node = node.one ??= newNode<T>();
      else node = node.zero ??= newNode<T>();
    }
    node.value ??= create();
    return node.value;
  }

  /** The value of the longest range containing `address` (4 or 16 bytes), if any. */
  lookup(address: Uint8Array): T | undefined {
    if (address.length === 4) return longestMatch(this.v4, address);
    const mapped = ipv4FromMapped(address);
    if (mapped) return longestMatch(this.v4, mapped) ?? longestMatch(this.v6, address);
    return longestMatch(this.v6, address);
  }
}

function longestMatch<T>(root: TrieNode<T>, address: Uint8Array): T | undefined {
  let best = root.value;
  let node: TrieNode<T> | undefined = root;
  const bits = address.length * 8;
  for (let bit = 0; bit < bits; bit++) {
    node = (address[bit >> 3] & (0x80 >> (bit & 7))) !== 0 ? node.one : node.zero;
    if (!node) break;
    if (node.value !== undefined) best = node.value;
  }
  return best;
}
