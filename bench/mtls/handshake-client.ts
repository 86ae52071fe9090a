/**
 * Load generator for new mutual TLS connections (run as its own pinned process): `--concurrency` loops each
 * open a TLS connection with a client certificate (full handshake, no session resumption), send one
 * request with `Connection: close`, read the answer, and start over, for `--duration-ms`. Prints
 * `{ "completed": n, "failed": n }`.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'duration-ms': { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const context = tls.createSecureContext({
  ca: readFileSync(values.ca!),
  cert: readFileSync(values.cert!),
  key: readFileSync(values.key!),
});
const port = Number(values.port);
const deadline = Date.now() + Number(values['duration-ms']);
let completed = 0;
let failed = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      secureContext: context,
      ALPNProtocols: ['istio-peer-exchange', 'istio'],
      checkServerIdentity: () => undefined,
    });
    let answered = false;
    socket.on('secureConnect', () =>
      socket.write('GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n'),
    );
    socket.on('data', (d: Buffer) => {
      if (!answered && d.includes('200 OK')) answered = true;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (answered) completed++;
      else failed++;
      resolve();
    });
  });
}

await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    while (Date.now() < deadline) await once();
  }),
);
process.stdout.write(`${JSON.stringify({ completed, failed })}\n`);
