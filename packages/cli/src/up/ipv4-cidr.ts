/**
 * IPv4 CIDR ranges for the addresses `tandem up --transparent` hands out (pod IPs, service VIPs):
 * parsing with a message that names the flag, the n-th host address, and overlap checks.
 */

export interface Ipv4Cidr {
  /** The network address as a 32-bit number. */
  base: number;
  prefix: number;
  /** As written, normalised: `10.89.0.0/24`. */
  text: string;
}

/**
 * Parses `a.b.c.d/n`; throws an Error naming `flag` when it is not a usable IPv4 range. Ranges the
 * mesh hands addresses out of need room (/30 at most); `maxPrefix: 32` reads any route.
 */
export function parseIpv4Cidr(flag: string, text: string, options: { maxPrefix?: number } = {}): Ipv4Cidr {
  const maxPrefix = options.maxPrefix ?? 30;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || prefix > maxPrefix)
    throw new Error(
      `${flag} "${text}": expected an IPv4 range like 10.89.0.0/24 (prefix at most /${maxPrefix})`,
    );
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const base = prefix === 0 ? 0 : address - (address % 2 ** (32 - prefix));
  return { base, prefix, text: `${formatIpv4(base)}/${prefix}` };
}

/** How many addresses the range holds besides its network and broadcast addresses. */
export function hostCount(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix) - 2;
}

/** The n-th host address (1: the first after the network address); throws past the range. */
export function hostAddress(cidr: Ipv4Cidr, n: number): string {
  if (n < 1 || n > hostCount(cidr))
    throw new Error(`${cidr.text} has no room for address number ${n} (${hostCount(cidr)} usable)`);
  return formatIpv4(cidr.base + n);
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
