/**
 * Connection-specific ("hop-by-hop") headers never cross the proxy (RFC 9110 section 7.6.1):
 * `connection` and every header it names, `keep-alive`, `proxy-connection`,
 * `transfer-encoding`, `upgrade` (kept for an allowed upgrade), and `te` unless it is
 * exactly `trailers` (which HTTP/2 and gRPC need).
 */
import type { HeaderMap } from './header-map.ts';

/** Removes hop-by-hop fields in place, in one pass when `connection` names nothing extra. */
export function removeHopByHop(headers: HeaderMap, keepUpgrade: boolean): void {
  const l = headers.list;
  let named: string[] | undefined;
  let w = 0;
  for (let r = 0; r < l.length; r += 2) {
    const name = l[r]!;
    const value = l[r + 1]!;
    if (isHopByHop(name, value, keepUpgrade)) {
      if (name === 'connection') named = collectNamed(value, named);
      continue;
    }
    l[w++] = name;
    l[w++] = value;
  }
  if (w !== l.length) l.length = w;
  if (named !== undefined) for (const n of named) if (!(keepUpgrade && n === 'upgrade')) headers.remove(n);
}

function isHopByHop(name: string, value: string, keepUpgrade: boolean): boolean {
  switch (name) {
    case 'connection':
    case 'keep-alive':
    case 'proxy-connection':
    case 'transfer-encoding':
      return true;
    case 'upgrade':
      return !keepUpgrade;
    case 'te':
      return value.trim().toLowerCase() !== 'trailers';
    default:
      return false;
  }
}

function collectNamed(value: string, into: string[] | undefined): string[] | undefined {
  if (value.length <= 10 && value.indexOf(',') < 0) {
    const v = value.trim().toLowerCase();
    if (v === 'keep-alive' || v === 'close' || v === 'upgrade' || v === '') return into;
  }
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token === '' || token === 'close' || token === 'keep-alive' || token === 'upgrade') continue;
    (into ??= []).push(token);
  }
  return into;
}
