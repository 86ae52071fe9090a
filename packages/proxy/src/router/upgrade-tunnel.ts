/**
 * After a 101 Switching Protocols (WebSocket), the two connections become a byte tunnel: bytes
 * read past either head are delivered first, then each side is piped to the other with
 * backpressure; a close on either side closes both.
 */
import type net from 'node:net';

export function spliceUpgrade(
  downstream: net.Socket,
  downstreamRest: Buffer | undefined,
  upstream: net.Socket,
  upstreamRest: Buffer | undefined,
  onClosed: () => void,
): void {
  if (upstreamRest !== undefined && upstreamRest.length > 0) downstream.write(upstreamRest);
  if (downstreamRest !== undefined && downstreamRest.length > 0) upstream.write(downstreamRest);
  downstream.on('error', noop);
  upstream.on('error', noop);
  downstream.pipe(upstream);
  upstream.pipe(downstream);
  let open = 2;
  const closed = (): void => {
    if (--open === 1) {
      downstream.destroySoon();
      upstream.destroySoon();
    }
    if (open === 0) onClosed();
  };
  downstream.once('close', closed);
  upstream.once('close', closed);
  downstream.resume();
  upstream.resume();
}

function noop(): void {}
