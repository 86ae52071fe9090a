/**
 * Ports the OS hands out: each is bound (port 0) and held until all are known, so that one call
 * never returns the same port twice. Between release and use another process could take one;
 * on loopback, with the kernel's ephemeral range, that is rare, and the user of the port fails
 * with EADDRINUSE rather than silently.
 */
import net from 'node:net';

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
