/**
 * Ports for tests that must name a port before the server on it exists (a config file, a
 * bootstrap, node metadata), or that need a port nothing listens on.
 *
 * They are taken below the kernel's ephemeral range (net.ipv4.ip_local_port_range): there, neither
 * a `listen(0)` nor an outgoing connection of a test running alongside can take the port between
 * the check and the use, as happened with ports from `listen(0)`. Each process starts at a random
 * point of that range and goes up, so that test processes side by side do not pick the same ones.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const END = ephemeralStart();
let next = LOWEST + Math.floor(Math.random() * (END - LOWEST));

/** A port nothing listens on, on 127.0.0.1 (checked by binding it, then released). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < END - LOWEST; tries++) {
    const port = next;
    next = next + 1 >= END ? LOWEST : next + 1;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${LOWEST}-${END - 1} on 127.0.0.1`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
