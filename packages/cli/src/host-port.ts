/** `host:port` (IPv6 in brackets) -> [host, port]; exits with a usage error when malformed. */
export function splitHostPort(text: string): [string, number] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (m === null) {
    process.stderr.write(`tandem: "${text}" is not host:port\n`);
    process.exit(2);
  }
  return [m[1]!, Number(m[2])];
}
