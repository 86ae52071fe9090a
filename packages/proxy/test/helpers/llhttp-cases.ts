/**
 * Reads llhttp's Markdown test cases (../shared/testdata/http1/llhttp-tests, read in place) into
 * raw byte sequences and their expected outcome. Conventions of those files: lines of an `http`
 * block are joined with CRLF, a trailing backslash joins a line to the next without CRLF, and
 * C-style escapes (\r \n \t \f \\ \xHH and octal \NNN) stand for bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface LlhttpCase {
  file: string;
  title: string;
  type: string;
  bytes: Buffer;
  /** llhttp reports a parse error for this input (in the mode its meta names). */
  isError: boolean;
  /** Messages llhttp completed before the error (requests a proxy may legitimately forward). */
  completedBeforeError: number;
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

function parseFile(file: string, text: string): LlhttpCase[] {
  const cases: LlhttpCase[] = [];
  // A case: heading, meta comment, an http block, optional prose, then its log block.
  const re =
    /(#+) ([^\n]*)\n+<!-- meta=(\{[^\n]*\}) -->\n```http\n([\s\S]*?)\n```\n[^`]*```log\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(re)) {
    const meta = JSON.parse(m[3]!) as { type: string };
    const log = m[5]!;
    const errorAt = log.indexOf('error code=');
    const beforeError = errorAt < 0 ? log : log.slice(0, errorAt);
    cases.push({
      file,
      title: m[2]!.trim(),
      type: meta.type,
      bytes: decodeHttpBlock(m[4]!),
      isError: errorAt >= 0,
      completedBeforeError: (beforeError.match(/message complete/g) ?? []).length,
    });
  }
  return cases;
}

/** Turns an `http` block into the bytes it stands for. */
export function decodeHttpBlock(block: string): Buffer {
  const joined = block.replace(/\\\n/g, '').replace(/\n/g, '\r\n');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c !== '\\' || i + 1 >= joined.length) {
      bytes.push(joined.charCodeAt(i) & 0xff);
      continue;
    }
    const n = joined[i + 1]!;
    const simple: Record<string, number> = { r: 13, n: 10, t: 9, f: 12, '\\': 92, '"': 34, "'": 39, '0': 0 };
    if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(joined.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(joined.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (/^[0-7]{3}$/.test(joined.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else if (n in simple) {
      bytes.push(simple[n]!);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes);
}
