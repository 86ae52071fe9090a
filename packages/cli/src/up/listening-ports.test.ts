import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listeningPorts, parseListening } from './listening-ports.ts';

describe('listening ports', () => {
  it('reads the LISTEN rows of /proc/net/tcp', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:2378 00000000:0000 0A 00000000:00000000 00:00000000 00000000  4242        0 1 1',
      '   1: 0200590A:3A99 0300590A:A1B2 01 00000000:00000000 00:00000000 00000000  1337        0 2 1',
      '   2: 00000000:3AA7 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1337        0 3 1',
    ].join('\n');
    assert.deepEqual(parseListening(table), [9080, 15015]);
  });

  it("sees this process's own listening socket", async () => {
    const net = await import('node:net');
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      assert.ok(listeningPorts(process.pid).has(port) || process.platform !== 'linux');
    } finally {
      server.close();
    }
  });
});
