/**
 * Reads llhttp's Markdown test cases (../shared/testdata/http1/llhttp-tests, read in place) into
 * raw byte sequences and their expected outcome. Conventions of those files: every case is a
 * `<!-- meta={...} -->` comment followed by an `http` block (lines joined with CRLF, a trailing
 * backslash joins a line to the next without CRLF, C-style escapes \r \n \t \f \\ \xHH and octal
 * \NNN stand for bytes) and then a `log` block of llhttp's callbacks. Prose may sit between the
 * heading and the meta comment and between the blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What llhttp did with a case. */
export type LlhttpOutcome =
  /** Parsed without error (possibly with a message still open at the end of the input). */
  | 'ok'
  /** A parse error: the input is malformed in the mode the meta names. */
  | 'error'
  /** Paused for an upgrade or CONNECT (error code 22): the bytes after the head are a tunnel. */
  | 'upgrade'
  /** Paused on an HTTP/2 connection preface `PRI * HTTP/2.0` (error code 23). */
  | 'h2-preface';

export interface LlhttpCase {
  file: string;
  title: string;
  /** Parser mode of the meta: "request", "response", "request-lenient-headers", ... */
  type: string;
  /** The meta's `pause` (callback llhttp paused on), `skipBody`, if any. */
  pause: string | undefined;
  skipBody: boolean;
  bytes: Buffer;
  outcome: LlhttpOutcome;
  /** llhttp reports a parse error for this input (in the mode its meta names). */
  isError: boolean;
  /** llhttp's error code and reason, for an error or a pause. */
  errorCode: number | undefined;
  errorReason: string | undefined;
  /** Messages llhttp completed before the error or pause (or in all, without one). */
  completedBeforeError: number;
  /**
   * For `*-finish` cases, what `llhttp_finish()` found at the end of the input: 0 safe, 1 safe and
   * completing a message delimited by the close (not logged as `message complete`), 2 unsafe (a
   * message was cut short).
   */
  finish: number | undefined;
}

export const LLHTTP_DIR = path.resolve(
  import.meta.dirname,
  '../../../../../shared/testdata/http1/llhttp-tests',
);

export function loadLlhttpCases(kind: 'request' | 'response'): LlhttpCase[] {
  const dir = path.join(LLHTTP_DIR, kind);
  const out: LlhttpCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    out.push(...parseFile(file, readFileSync(path.join(dir, file), 'utf8')));
  }
  return out;
}

/** Splits a file at its meta comments; each case is the nearest heading above plus what follows. */
export function parseFile(file: string, text: string): LlhttpCase[] {
  const cases: LlhttpCase[] = [];
  const metaRe = /<!-- meta=(\{[^\n]*\}) -->/g;
  const metas = [...text.matchAll(metaRe)];
  for (let k = 0; k < metas.length; k++) {
    const m = metas[k]!;
    const start = m.index + m[0].length;
    const end = k + 1 < metas.length ? metas[k + 1]!.index : text.length;
    const section = text.slice(start, end);
    const http = /```http\n([\s\S]*?)\n```/.exec(section);
    if (http === null) throw new Error(`${file}: no http block after ${m[0]}`);
    const log = /```log\n([\s\S]*?)\n```/.exec(section.slice(http.index + http[0].length));
    if (log === null) throw new Error(`${file}: no log block after ${m[0]}`);
    const headings = [...text.slice(0, m.index).matchAll(/^#+ (.*)$/gm)];
    const meta = JSON.parse(m[1]!) as { type: string; pause?: string; skipBody?: boolean };
    cases.push({
      file,
      title: headings.at(-1)?.[1]?.trim() ?? '(untitled)',
      type: meta.type,
      pause: meta.pause,
      skipBody: meta.skipBody === true,
      bytes: decodeHttpBlock(http[1]!),
      ...readLog(log[1]!),
    });
  }
  return cases;
}

type LogFacts = Pick<
  LlhttpCase,
  'outcome' | 'isError' | 'errorCode' | 'errorReason' | 'completedBeforeError' | 'finish'
>;

function readLog(log: string): LogFacts {
  const err = /error code=(\d+) reason="([^"]*)"/.exec(log);
  const before = err === null ? log : log.slice(0, err.index);
  const completedBeforeError = (before.match(/message complete/g) ?? []).length;
  const fin = /finish=(\d)/.exec(log);
  const finish = fin === null ? undefined : Number(fin[1]);
  if (err === null) {
    return {
      outcome: 'ok',
      isError: false,
      errorCode: undefined,
      errorReason: undefined,
      completedBeforeError,
      finish,
    };
  }
  const errorCode = Number(err[1]);
  // HPE_PAUSED_UPGRADE (22) and HPE_PAUSED_H2_UPGRADE (23) are pauses, not parse errors.
  const outcome: LlhttpOutcome = errorCode === 22 ? 'upgrade' : errorCode === 23 ? 'h2-preface' : 'error';
  return {
    outcome,
    isError: outcome === 'error',
    errorCode,
    errorReason: err[2],
    completedBeforeError,
    finish,
  };
}

/**
 * Turns an `http` block into the bytes it stands for, decoding escapes as llhttp's runner does:
 * \r \n \t \f, \xHH and octal \N to \NNN; any other backslash is a literal backslash (the
 * cases rely on it: `\"` in a URL or a chunk extension is two bytes).
 */
export function decodeHttpBlock(block: string): Buffer {
  const joined = block.replace(/\\\n/g, '').replace(/\n/g, '\r\n');
  const bytes: number[] = [];
  const simple: Record<string, number> = { r: 13, n: 10, t: 9, f: 12 };
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c !== '\\' || i + 1 >= joined.length) {
      const code = joined.charCodeAt(i);
      // Non-ASCII text in a case (e.g. "Düsseldorf") stands for its UTF-8 bytes.
      if (code < 0x80) bytes.push(code);
      else bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = joined[i + 1]!;
    const hex = /^x([0-9a-fA-F]{2})/.exec(joined.slice(i + 1, i + 4));
    const octal = /^[0-7]{1,3}/.exec(joined.slice(i + 1, i + 4));
    if (hex !== null) {
      bytes.push(Number.parseInt(hex[1]!, 16));
      i += 3;
    } else if (octal !== null) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (n in simple) {
      bytes.push(simple[n]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes);
}
