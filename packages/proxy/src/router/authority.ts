/**
 * Index of the `:` that starts the port in an authority (`host:port`, `[v6]:port`), or -1.
 * An unbracketed IPv6 literal is not special-cased, as in Envoy.
 */
export function portStart(authority: string): number {
  if (authority.charCodeAt(0) === 91 /* [ */) {
    const i = authority.lastIndexOf(']:');
    return i < 0 ? -1 : i + 1;
  }
  return authority.lastIndexOf(':');
}

/** The authority without its `:port`. */
export function stripPort(authority: string): string {
  const i = portStart(authority);
  return i < 0 ? authority : authority.slice(0, i);
}
