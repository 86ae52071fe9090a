/** `ip:port`, with an IPv6 address in brackets, as Envoy prints socket addresses. */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
