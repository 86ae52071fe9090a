import type { ConfigPath } from './route-config-error.ts';

/**
 * Envoy's `safe_regex` is RE2 syntax. JavaScript's RegExp accepts most of it; this module
 * translates the parts it spells differently and rejects what RE2 itself would reject (look-around,
 * back-references) or what we cannot express without the `u` flag (`\p{..}` classes), so that a
 * config either behaves as it would in Envoy or fails at load time.
 *
 * Translated: `(?P<name>` named groups, leading `(?i)`/`(?s)`/`(?m)` flag groups, `\A` and `\z`,
 * `\Q...\E` literals, `\x{HH}` escapes, POSIX classes such as `[[:alpha:]]`.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

interface Translation {
  source: string;
  flags: string;
}

/** Options for `compileRe2`. */
export interface Re2Options {
  /** Anchor at both ends (RE2 `FullMatch`, what Envoy's matchers use). */
  fullMatch: boolean;
  /** Add the `g` flag (for global substitution). */
  global?: boolean;
}

/** Compiles an RE2 pattern to a RegExp, or throws a `RouteConfigError` at `at`. */
export function compileRe2(pattern: string, at: ConfigPath, opts: Re2Options): RegExp {
  const t = translateRe2(pattern, at);
  const source = opts.fullMatch ? `^(?:${t.source})$` : t.source;
  try {
    return new RegExp(source, opts.global ? `${t.flags}g` : t.flags);
  } catch (err) {
    throw at.error(`invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

/** Number of capture groups in a compiled RegExp. */
export function captureGroupCount(re: RegExp): number {
  return new RegExp(`(?:${re.source})|`).exec('')!.length - 1;
}

function translateRe2(pattern: string, at: ConfigPath): Translation {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([ims]+)\)/.exec(pattern);
  if (lead) {
    flags = [...new Set(lead[1])].join('');
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    let piece: [string, number];
    if (ch === '\\') piece = translateEscape(pattern, i, inClass, at);
    else if (inClass)
      piece = ch === '[' && pattern[i + 1] === ':' ? translatePosixClass(pattern, i, at) : [ch, i + 1];
    else if (ch === '[') piece = openClass(pattern, i);
    else if (ch === '(' && pattern[i + 1] === '?') piece = translateGroupOpen(pattern, i, at);
    else piece = [ch, i + 1];
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass) inClass = false;
    out += piece[0];
    i = piece[1];
  }
  if (inClass) throw at.error(`invalid regex ${JSON.stringify(pattern)}: missing ]`);
  return { source: out, flags };
}

/** `[`, `[^`: a `]` right after them is a literal in RE2, which JS needs escaped. */
function openClass(p: string, i: number): [string, number] {
  let text = '[';
  let next = i + 1;
  if (p[next] === '^') text += p[next++];
  if (p[next] === ']') {
    text += '\\]';
    next++;
  }
  return [text, next];
}

function translateGroupOpen(p: string, i: number, at: ConfigPath): [string, number] {
  const rest = p.slice(i + 2);
  if (rest.startsWith(':')) return ['(?:', i + 3];
  if (rest.startsWith('P<')) return ['(?<', i + 4];
  if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) return ['(?<', i + 3];
  if (/^(=|!|<=|<!)/.test(rest)) throw at.error(`regex ${JSON.stringify(p)}: look-around is not RE2 syntax`);
  if (rest.startsWith('P=')) throw at.error(`regex ${JSON.stringify(p)}: back-references are not RE2 syntax`);
  throw at.error(
    `regex ${JSON.stringify(p)}: inline flags are only supported at the start, as (?i), (?s), (?m)`,
  );
}

function translateEscape(p: string, i: number, inClass: boolean, at: ConfigPath): [string, number] {
  const c = p[i + 1];
  if (c === undefined) throw at.error(`invalid regex ${JSON.stringify(p)}: trailing backslash`);
  if (c === 'Q') return quoteLiteral(p, i + 2);
  if (c === 'A' && !inClass) return ['^', i + 2];
  if (c === 'z' && !inClass) return ['$', i + 2];
  if (c === 'a') return ['\\x07', i + 2];
  if (c === 'x' && p[i + 2] === '{') return hexEscape(p, i, at);
  if (c >= '1' && c <= '9') throw at.error(`regex ${JSON.stringify(p)}: back-references are not RE2 syntax`);
  if (c === 'p' || c === 'P' || c === 'C' || c === 'Z') {
    throw at.error(`regex ${JSON.stringify(p)}: \\${c} is not supported`);
  }
  return [`\\${c}`, i + 2];
}

function quoteLiteral(p: string, start: number): [string, number] {
  const end = p.indexOf('\\E', start);
  const literal = end < 0 ? p.slice(start) : p.slice(start, end);
  const escaped = literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  return [escaped, end < 0 ? p.length : end + 2];
}

function hexEscape(p: string, i: number, at: ConfigPath): [string, number] {
  const close = p.indexOf('}', i + 3);
  const hex = close < 0 ? '' : p.slice(i + 3, close);
  const code = /^[0-9A-Fa-f]{1,6}$/.test(hex) ? Number.parseInt(hex, 16) : -1;
  if (code < 0 || code > 0xffff) throw at.error(`regex ${JSON.stringify(p)}: unsupported \\x{${hex}} escape`);
  return [`\\u${code.toString(16).padStart(4, '0')}`, close + 1];
}

function translatePosixClass(p: string, i: number, at: ConfigPath): [string, number] {
  const close = p.indexOf(':]', i + 2);
  const name = close < 0 ? '' : p.slice(i + 2, close);
  const ranges = POSIX_CLASSES[name];
  if (ranges === undefined) throw at.error(`regex ${JSON.stringify(p)}: unsupported class [:${name}:]`);
  return [ranges, close + 2];
}
