/**
 * Serializes HTTP/1.1 heads and chunked framing. Heads are built as one latin1 string so that a
 * head and a small body leave in a single write.
 */
import { STATUS_CODES } from 'node:http';
import type { HeaderMap } from '../header-map.ts';

const STATUS_LINES: string[] = [];
for (const [code, reason] of Object.entries(STATUS_CODES))
  STATUS_LINES[Number(code)] = `HTTP/1.1 ${code} ${reason}\r\n`;

export function statusLine(status: number): string {
  return STATUS_LINES[status] ?? `HTTP/1.1 ${status} Unknown\r\n`;
}

/** Appends `name: value\r\n` for every field of `headers`. */
export function serializeFields(headers: HeaderMap, out: string): string {
  const l = headers.list;
  for (let i = 0; i < l.length; i += 2) out += l[i] + ': ' + l[i + 1] + '\r\n';
  return out;
}

const CRLF = Buffer.from('\r\n', 'latin1');
export const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** The chunk-size line for a chunk of `n` bytes. */
export function chunkHeader(n: number): string {
  return n.toString(16) + '\r\n';
}

export { CRLF };

/** `0\r\n` + trailer fields + `\r\n`. */
export function lastChunkWithTrailers(trailers: HeaderMap): string {
  return serializeFields(trailers, '0\r\n') + '\r\n';
}
