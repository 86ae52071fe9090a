/**
 * Remembers each file's parse by its text, so that reloading a directory of thousands of files
 * after one of them changed parses (and validates) only that one. Unchanged files give back the
 * very same objects, which keeps their identity through the store and everything built from it.
 */
import type { FileParse, FileParser } from './config-store.ts';

export class ParseMemo {
  readonly #parse: FileParser;
  #entries = new Map<string, { text: string; parse: FileParse }>();
  #seen = new Map<string, { text: string; parse: FileParse }>();
  /** Files parsed and files answered from the memo, since the last {@link prune}. */
  parsed = 0;
  reused = 0;

  constructor(parse: FileParser) {
    this.#parse = parse;
  }

  /** The parse of `text` as `file`: remembered when the file still has the same text. */
  readonly parse: FileParser = (text, file) => {
    let entry = this.#entries.get(file);
    if (entry !== undefined && entry.text === text) this.reused++;
    else {
      entry = { text, parse: this.#parse(text, file) };
      this.parsed++;
    }
    this.#seen.set(file, entry);
    return entry.parse;
  };

  /** Forgets files not read since the previous prune (removed from the directory). */
  prune(): void {
    this.#entries = this.#seen;
    this.#seen = new Map();
    this.parsed = 0;
    this.reused = 0;
  }
}
