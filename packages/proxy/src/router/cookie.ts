import type { HeaderMap } from '../http/header-map.ts';

/**
 * Value of cookie `name` in the request's `Cookie` header(s), or undefined. Parsed as Envoy does:
 * fields split on `;`, leading spaces of the name skipped, a field without `=` ignored, a value
 * wrapped in double quotes unwrapped, the first field with the name wins.
 */
export function readCookie(headers: HeaderMap, name: string): string | undefined {
  const l = headers.list;
  for (let i = 0; i < l.length; i += 2) {
    if (l[i] !== 'cookie') continue;
    const v = findInCookieHeader(l[i + 1]!, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function findInCookieHeader(header: string, name: string): string | undefined {
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    let k = start;
    while (k < end && header.charCodeAt(k) === 32) k++;
    const eq = header.indexOf('=', k);
    if (eq >= 0 && eq < end && eq - k === name.length && header.startsWith(name, k)) {
      return unquote(header.slice(eq + 1, end));
    }
    start = end + 1;
  }
  return undefined;
}

function unquote(v: string): string {
  return v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34 ? v.slice(1, -1) : v;
}

/**
 * A `Set-Cookie` value in Envoy's form for generated affinity cookies:
 * `name="value"; Max-Age=<s>; Path=<path>; HttpOnly` (Max-Age left out when 0, Path when empty).
 */
export function buildSetCookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
  let out = `${name}="${value}"`;
  if (maxAgeSeconds !== 0) out += `; Max-Age=${maxAgeSeconds}`;
  if (path !== '') out += `; Path=${path}`;
  return `${out}; HttpOnly`;
}
