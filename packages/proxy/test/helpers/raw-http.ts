/**
 * Raw TCP exchanges for HTTP/1 tests that need bytes no client library would send: write bytes,
 * collect what comes back until the peer closes, a predicate is met, or a time bound passes.
 */
import net from 'node:net';

export interface RawResult {
  text: string;
  /** The peer closed (or reset) the connection. */
  closed: boolean;
}

export interface RawOptions {
  /** Half-close after writing. Default false. */
  end?: boolean;
  /** Resolve as soon as this holds for what arrived so far. */
  until?: (text: string) => boolean;
  /** Give up after this long (the result then has `closed: false`). Default 5000. */
  timeoutMs?: number;
}

export function rawExchange(port: number, bytes: Buffer | string, opts: RawOptions = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(bytes);
      if (opts.end === true) s.end();
    });
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      if (opts.until?.(Buffer.concat(chunks).toString('latin1')) === true) finish(false);
    });
    s.on('error', () => {});
    s.on('close', () => finish(true));
  });
}

/** Status codes of every response head in `text`, in order (heads may follow bodies directly). */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}
