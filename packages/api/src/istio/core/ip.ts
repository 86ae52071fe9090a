/** IP addresses and CIDR blocks as Istio accepts them (dotted IPv4, IPv6, `a.b.c.d/n`, `2001:db8::/32`). */
import { isIP } from 'node:net';

/** True for an IPv4 or IPv6 address (no prefix length). */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** The reason `value` is not an IP address or CIDR block, or `undefined` when it is one. */
export function checkIpOrCidr(value: string): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return isIpAddress(value) ? undefined : `"${value}" is not a valid IP address`;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
    return `"${value}" is not a valid CIDR block`;
  }
  return undefined;
}
