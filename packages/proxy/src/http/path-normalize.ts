/**
 * Path normalization before routing (HCM `normalize_path`, `merge_slashes`), so that `/a/../b`,
 * `/a/./b`, `/%61/b` and `//a//b` cannot slip past a route or a policy written for `/b` or `/a/b`:
 * RFC 3986 normalization (unreserved percent-escapes decoded, other escapes upper-cased, backslashes
 * as slashes, dot segments removed), then runs of slashes merged. The query is left alone.
 */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

export interface PathOptions {
  normalize: boolean;
  mergeSlashes: boolean;
}

/** The normalized path, or undefined when it cannot be normalized (a bad escape): answer 400. */
export function normalizeRequestPath(path: string, opts: PathOptions): string | undefined {
  const q = path.indexOf('?');
  let p = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  if (!p.startsWith('/')) return path; // asterisk-form and authority-form are not paths
  if (opts.normalize && needsNormalizing(p)) {
    const decoded = decodeUnreserved(p.replaceAll('\\', '/'));
    if (decoded === undefined) return undefined;
    p = removeDotSegments(decoded);
  }
  if (opts.mergeSlashes && p.includes('//')) p = p.replace(/\/{2,}/g, '/');
  return p + query;
}

function needsNormalizing(p: string): boolean {
  return p.includes('%') || p.includes('.') || p.includes('\\');
}

function decodeUnreserved(p: string): string | undefined {
  if (!p.includes('%')) return p;
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = p.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** RFC 3986 section 5.2.4, on a path that starts with `/`. */
export function removeDotSegments(p: string): string {
  const segments = p.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === '.') {
      if (last) out.push('');
    } else if (s === '..') {
      out.pop();
      if (last) out.push('');
    } else {
      out.push(s);
    }
  }
  return `/${out.join('/')}`;
}
