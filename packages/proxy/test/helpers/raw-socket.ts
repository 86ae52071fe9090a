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

export function connectRaw(port: number, host = '127.0.0.1'): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let text = '';
    const socket = net.connect({ port, host });
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
