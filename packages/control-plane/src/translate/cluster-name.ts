/**
 * Istio's cluster names: `outbound|<port>|<subset>|<host>` and `inbound|<port>||`, which users
 * see in stats, logs and `proxy-config` and which tools parse.
 */
export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}

export function parseClusterName(
  name: string,
): { direction: string; port: number; subset: string; host: string } | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  return { direction: parts[0]!, port: Number(parts[1]), subset: parts[2]!, host: parts[3]! };
}
