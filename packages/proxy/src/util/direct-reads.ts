/**
 * Reads without the Readable stream machinery. Node's `onread` socket option makes libuv read
 * into a caller-owned buffer and hand the bytes to a callback, skipping Readable.push and a
 * 64 KiB allocation per read; for accepted sockets Node offers no such option, so the same two
 * slots `onread` would fill are found once (on a probe socket) and filled here. Every read is
 * copied into a right-sized Buffer and emitted as 'data', so consumers see ordinary data events
 * (and pause()/resume() keep working). Where the slots cannot be found (another Node version),
 * sockets keep their normal reads.
 *
 * This is on the proxy's per-request path and worth about a microsecond per read.
 */
import net from 'node:net';

interface UserBufferSlots {
  buffer: symbol;
  callback: symbol;
}

type Handle = { useUserBuffer?: (buf: Uint8Array) => void };
type Slotted = net.Socket & { _handle?: Handle | null } & Record<symbol, unknown>;

const SHARED_BUFFER = Buffer.allocUnsafe(64 * 1024);
const slots = findSlots();

function findSlots(): UserBufferSlots | undefined {
  const buffer = Buffer.alloc(1);
  const callback = (): void => {};
  // `onread` is accepted by the Socket constructor at run time; the typings list it for connect only.
  const probe = new net.Socket({ onread: { buffer, callback } } as net.SocketConstructorOpts) as Slotted;
  let b: symbol | undefined;
  let c: symbol | undefined;
  for (const s of Object.getOwnPropertySymbols(probe)) {
    if (probe[s] === buffer) b = s;
    if (probe[s] === callback) c = s;
  }
  probe.destroy();
  return b !== undefined && c !== undefined ? { buffer: b, callback: c } : undefined;
}

/** Switches a plain TCP socket to direct reads; returns false (and changes nothing) if it cannot. */
export function enableDirectReads(socket: net.Socket): boolean {
  const s = socket as Slotted;
  const handle = s._handle;
  if (slots === undefined || handle == null || typeof handle.useUserBuffer !== 'function') return false;
  s[slots.buffer] = SHARED_BUFFER;
  s[slots.callback] = (n: number, buf: Uint8Array): void => {
    socket.emit('data', Buffer.from(buf.subarray(0, n)));
  };
  handle.useUserBuffer(SHARED_BUFFER);
  return true;
}

/** Direct-read options for `net.connect` (client sockets take `onread` directly). */
export function directReadOptions(socket: () => net.Socket): net.OnReadOpts {
  return {
    buffer: SHARED_BUFFER,
    callback: (n: number, buf: Uint8Array): boolean => {
      socket().emit('data', Buffer.from(buf.subarray(0, n)));
      return true;
    },
  };
}
