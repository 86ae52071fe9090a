/**
 * Envoy's regexes use RE2 syntax; Tandem runs them as JavaScript RegExps. Most RE2 syntax means the same in
 * JavaScript. This translates the parts that differ and rejects what RE2 itself rejects (lookaround,
 * backreferences), so a pattern that passes here behaves as Envoy would run it.
 */

export type Re2Result = { ok: true; regExp: RegExp } | { ok: false; reason: string };

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function fail(reason: string): Re2Result {
  return { ok: false, reason };
}

/**
 * Compiles an RE2 pattern as a JavaScript RegExp (no anchoring added: callers anchor for full matches).
 *
 * @example
 * compileRe2('(?i)^/api/(?P<version>v[0-9]+)/');  // { ok: true, regExp: /^\/api\/(?<version>v[0-9]+)\//i }
 * compileRe2('(?<=a)b');                          // { ok: false, reason: 'lookbehind ... RE2' }
 */
export function compileRe2(pattern: string): Re2Result {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (lead !== null) {
    const wanted = lead[1]!;
    if (/[^ims]/.test(wanted))
      return fail(`inline flag(s) "${wanted.replace(/[ims]/g, '')}" are not supported`);
    flags = [...new Set(wanted)].join('');
    body = body.slice(lead[0].length);
  }
  const translated = translate(body);
  if (typeof translated !== 'string') return translated;
  try {
    return { ok: true, regExp: new RegExp(translated, flags) };
  } catch (error) {
    return fail((error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''));
  }
}

function translate(body: string): string | Re2Result {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\\') {
      const escaped = translateEscape(body[i + 1], inClass);
      if (typeof escaped !== 'string') return escaped;
      out += escaped;
      i += 2;
    } else if (inClass) {
      const posix = c === '[' && body[i + 1] === ':' ? readPosixClass(body, i) : undefined;
      if (posix !== undefined) {
        if (typeof posix !== 'object') return fail(`unknown character class "${posix}"`);
        out += posix.text;
        i = posix.end;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
    } else if (c === '[') {
      inClass = true;
      const start = body[i + 1] === '^' ? 2 : 1;
      out += body.slice(i, i + start);
      i += start;
      if (body[i] === ']') {
        out += '\\]';
        i++;
      }
    } else if (c === '(' && body[i + 1] === '?') {
      const group = translateGroup(body.slice(i + 2));
      if ('ok' in group) return group;
      out += group.text;
      i += 2 + group.consumed;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function translateEscape(next: string | undefined, inClass: boolean): string | Re2Result {
  if (next === undefined) return fail('trailing backslash');
  if (/[1-9]/.test(next)) return fail('backreferences are not supported by RE2');
  if (next === 'p' || next === 'P') return fail('Unicode classes (\\p, \\P) are not supported by Tandem');
  if (next === 'Q' || next === 'C') return fail(`\\${next} is not supported by Tandem`);
  if (!inClass && next === 'z') return '$';
  if (!inClass && next === 'A') return '^';
  return `\\${next}`;
}

function readPosixClass(body: string, start: number): { text: string; end: number } | string | undefined {
  const close = body.indexOf(':]', start + 2);
  if (close < 0) return undefined;
  const raw = body.slice(start + 2, close);
  const negated = raw.startsWith('^');
  const name = negated ? raw.slice(1) : raw;
  const text = POSIX_CLASSES[name];
  if (text === undefined || negated) return raw;
  return { text, end: close + 2 };
}

/** `rest` follows `(?`: returns the JavaScript opening and how many characters of `rest` it replaces. */
function translateGroup(rest: string): { text: string; consumed: number } | Re2Result {
  if (rest.startsWith('P<')) return { text: '(?<', consumed: 2 };
  if (rest.startsWith(':')) return { text: '(?:', consumed: 1 };
  if (rest.startsWith('=') || rest.startsWith('!')) return fail('lookahead is not supported by RE2');
  if (rest.startsWith('<=') || rest.startsWith('<!')) return fail('lookbehind is not supported by RE2');
  if (rest.startsWith('<')) return { text: '(?<', consumed: 1 };
  return fail('inline flags are only supported at the start of the pattern, as in "(?i)..."');
}
