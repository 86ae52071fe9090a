/**
 * A raw TCP client for tests that need byte-level control over HTTP/1 (pipelining, stopping
 * mid-body, watching the proxy close the connection).
 */
import net from 'node:net';
import { waitFor } from './admin.ts';

export interface RawClient {
  socket: net.Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves when the peer has closed the connection. */
  closed: Promise<void>;
  /** Waits until what was received satisfies `ok`. */
  waitForData(what: string, ok: (text: string) => boolean, timeoutMs?: number): Promise<string>;
}

export function connectRaw(
  port: number,
  host = '127.0.0.1',
  opts: { allowHalfOpen?: boolean } = {},
): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let text = '';
    const socket = net.connect({ port, host, allowHalfOpen: opts.allowHalfOpen ?? false });
    let closedResolve: () => void;
    const closed = new Promise<void>((r) => (closedResolve = r));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      text += d.toString('latin1');
    });
    socket.on('close', () => closedResolve());
    socket.on('error', () => {});
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => text,
        closed,
        waitForData: async (what, ok, timeoutMs = 5000) => {
          await waitFor(what, () => ok(text), { timeoutMs, intervalMs: 5 });
          return text;
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** Resolves true if `p` settles within `ms`, false otherwise. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = p.then(() => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

export interface ParsedResponse {
  status: number;
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Splits the bytes of consecutive HTTP/1.x responses (content-length framed, or the last one
 * close-delimited) into responses. Returns what is complete so far.
 */
export function parseResponses(text: string, closeDelimitedLast = false): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = headers['content-length'];
    const bodyStart = end + 4;
    let bodyEnd: number;
    if (length !== undefined) bodyEnd = bodyStart + Number(length);
    else if (closeDelimitedLast) bodyEnd = rest.length;
    else break;
    if (bodyEnd > rest.length) break;
    out.push({
      status: Number(lines[0]!.split(' ')[1]),
      statusLine: lines[0]!,
      headers,
      body: rest.slice(bodyStart, bodyEnd),
    });
    rest = rest.slice(bodyEnd);
  }
  return out;
}
