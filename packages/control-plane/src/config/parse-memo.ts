/**
 * Remembers each file's parse, so that reloading a directory of thousands of files after one of
 * them changed reads and parses only that one. Unchanged files give back the very same objects,
 * which keeps their identity through the store and everything built from it.
 *
 * A file is "unchanged" without being read when its stat signature (device, inode, size, mtime and
 * ctime, to the nanosecond) is the one it had when it was last read, and that signature was not
 * racy: file times tick coarsely (a kernel jiffy on most Linux filesystems, a second or two on
 * some others), so a file changed in the same tick as our read could keep its signature. As git
 * does for its index, a signature whose ctime is not clearly before the read started is not
 * trusted: such a file is read again (and, if its text is the same, not parsed again). ctime
 * cannot be set by hand, so `touch -d` or `cp -p` do not fool this.
 */
import type { BigIntStats } from 'node:fs';
import type { FileParse, FileParser } from './config-store.ts';

/** How far behind the read a file's ctime must be for its signature to be trusted (the coarsest clock tick). */
const RACY_MARGIN_MS = 2000n;

interface Entry {
  readonly text: string;
  readonly parse: FileParse;
  /** The stat signature before the read, when it can vouch for the text (not racy). */
  readonly signature: string | undefined;
}

export class ParseMemo {
  readonly #parse: FileParser;
  #entries = new Map<string, Entry>();
  #seen = new Map<string, Entry>();
  /** Files parsed, files read but not parsed again, and files not read at all, since the last {@link prune}. */
  parsed = 0;
  reused = 0;
  unread = 0;

  constructor(parse: FileParser) {
    this.#parse = parse;
  }

  /**
   * The remembered parse of `file` if `stats` show it has not been written since it was read, else
   * undefined (read it and call {@link parseRead}).
   */
  unchanged(file: string, stats: BigIntStats): FileParse | undefined {
    const entry = this.#entries.get(file);
    if (entry?.signature === undefined || entry.signature !== signatureOf(stats)) return undefined;
    this.#seen.set(file, entry);
    this.unread++;
    return entry.parse;
  }

  /** The parse of `text`, read from `file` after a stat that gave `stats` at `statStartedMs` (epoch ms). */
  parseRead(file: string, text: string, stats: BigIntStats, statStartedMs: number): FileParse {
    const racy = stats.ctimeMs + RACY_MARGIN_MS >= BigInt(statStartedMs);
    return this.#remember(file, text, racy ? undefined : signatureOf(stats));
  }

  /** Forgets files not read since the previous prune (removed from the directory). */
  prune(): void {
    this.#entries = this.#seen;
    this.#seen = new Map();
    this.parsed = 0;
    this.reused = 0;
    this.unread = 0;
  }

  /** The parse of `text` as `file`: the remembered one when the file still has the same text. */
  #remember(file: string, text: string, signature: string | undefined): FileParse {
    const known = this.#entries.get(file);
    let entry: Entry;
    if (known !== undefined && known.text === text) {
      entry = { text, parse: known.parse, signature };
      this.reused++;
    } else {
      entry = { text, parse: this.#parse(text, file), signature };
      this.parsed++;
    }
    this.#seen.set(file, entry);
    return entry.parse;
  }
}

function signatureOf(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}
