/**
 * ASCII-only case folding, as Envoy's matchers do (`absl::AsciiStrToLower`, `StartsWithIgnoreCase`).
 * The compare helpers walk char codes so the hot path allocates nothing.
 */

/** Lower-cases A-Z only; returns `s` itself when nothing changes. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Whether `s` at `offset` holds `lower` (already lower-case), ignoring ASCII case. */
export function regionEqualsIgnoreCase(s: string, offset: number, lower: string): boolean {
  if (offset < 0 || offset + lower.length > s.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if (fold(s.charCodeAt(offset + i)) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** `s.startsWith(lower)` ignoring ASCII case; `lower` must already be lower-case. */
export function startsWithIgnoreCase(s: string, lower: string): boolean {
  return regionEqualsIgnoreCase(s, 0, lower);
}

/** `s.endsWith(lower)` ignoring ASCII case; `lower` must already be lower-case. */
export function endsWithIgnoreCase(s: string, lower: string): boolean {
  return regionEqualsIgnoreCase(s, s.length - lower.length, lower);
}

/** `s === lower` ignoring ASCII case; `lower` must already be lower-case. */
export function equalsIgnoreCase(s: string, lower: string): boolean {
  return s.length === lower.length && regionEqualsIgnoreCase(s, 0, lower);
}
