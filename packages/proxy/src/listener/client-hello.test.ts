import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { before, describe, it } from 'node:test';
import tls from 'node:tls';
import { inspectClientHello, MAX_CLIENT_HELLO_BYTES } from './client-hello.ts';

/** Accepts one connection on port 0 and resolves with its first bytes once a ClientHello is complete. */
async function captureFirstBytes(connect: (port: number) => () => void): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  let stop = () => {};
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      server.on('connection', (socket) => {
        let received = Buffer.alloc(0);
        socket.on('error', () => {});
        socket.on('data', (chunk) => {
          received = Buffer.concat([received, chunk]);
          if (inspectClientHello(received).kind !== 'need-more') {
            socket.destroy();
            resolve(received);
          }
        });
      });
      stop = connect(port);
      setTimeout(() => reject(new Error('no ClientHello captured')), 5000).unref();
    });
  } finally {
    stop();
    server.close();
  }
}

function nodeClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  return captureFirstBytes((port) => {
    const socket = tls.connect({ port, host: '127.0.0.1', ...options });
    socket.on('error', () => {});
    return () => socket.destroy();
  });
}

function opensslClientHello(args: string[]): Promise<Buffer> {
  return captureFirstBytes((port) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
      stdio: 'ignore',
    });
    child.on('error', () => {});
    return () => child.kill();
  });
}

/** Asserts need-more for every strict prefix, then the expected result for the whole buffer. */
function assertEveryPrefixNeedsMore(hello: Buffer, end: number): void {
  for (let k = 0; k < end; k++) {
    const r = inspectClientHello(hello.subarray(0, k));
    assert.equal(r.kind, 'need-more', `prefix of ${k} bytes`);
  }
}

/** Length of the ClientHello records at the start of `buf` (the server read nothing else). */
function helloLength(buf: Buffer): number {
  for (let end = 1; end <= buf.length; end++) {
    if (inspectClientHello(buf.subarray(0, end)).kind !== 'need-more') return end;
  }
  return buf.length;
}

describe('inspectClientHello with real ClientHellos', () => {
  const captured: Record<string, Buffer> = {};
  before(async () => {
    captured.node = await nodeClientHello({
      servername: 'API.Example.com',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    captured.nodeBare = await nodeClientHello({ servername: '' });
    captured.nodeTls12 = await nodeClientHello({ servername: 'old.example.com', maxVersion: 'TLSv1.2' });
    captured.openssl = await opensslClientHello(['-servername', 'x', '-alpn', 'h2']);
    const manyProtocols = Array.from({ length: 90 }, (_, i) => `proto-${i}-${'p'.repeat(200)}`);
    captured.multiRecord = await nodeClientHello({
      servername: 'big.example.com',
      ALPNProtocols: manyProtocols,
    });
  });

  it('reads SNI (lower-cased) and ALPN from a Node ClientHello', () => {
    assert.deepEqual(inspectClientHello(captured.node), {
      kind: 'tls',
      serverName: 'api.example.com',
      alpn: ['h2', 'http/1.1'],
    });
  });

  it('reads a ClientHello without SNI or ALPN', () => {
    assert.deepEqual(inspectClientHello(captured.nodeBare), { kind: 'tls', serverName: '', alpn: [] });
  });

  it('reads a TLS 1.2-only ClientHello', () => {
    assert.deepEqual(inspectClientHello(captured.nodeTls12), {
      kind: 'tls',
      serverName: 'old.example.com',
      alpn: [],
    });
  });

  it('reads an openssl s_client ClientHello', () => {
    assert.deepEqual(inspectClientHello(captured.openssl), { kind: 'tls', serverName: 'x', alpn: ['h2'] });
  });

  it('reads a ClientHello spread over several records', () => {
    const hello = captured.multiRecord;
    const firstRecordLength = 5 + hello.readUInt16BE(3);
    assert.ok(helloLength(hello) > firstRecordLength, 'the hello needs more than one record');
    const r = inspectClientHello(hello);
    assert.equal(r.kind, 'tls');
    if (r.kind === 'tls') {
      assert.equal(r.serverName, 'big.example.com');
      assert.equal(r.alpn.length, 90);
      assert.equal(r.alpn[89], `proto-89-${'p'.repeat(200)}`);
    }
  });

  for (const name of ['node', 'nodeBare', 'openssl']) {
    it(`returns need-more at every byte boundary (${name})`, () => {
      const hello = captured[name];
      const end = helloLength(hello);
      assertEveryPrefixNeedsMore(hello, end);
      assert.equal(inspectClientHello(hello.subarray(0, end)).kind, 'tls');
    });
  }

  it('returns need-more at every record boundary of a multi-record hello', () => {
    const hello = captured.multiRecord;
    const end = helloLength(hello);
    for (let k = 0; k < end; k += 97)
      assert.equal(inspectClientHello(hello.subarray(0, k)).kind, 'need-more');
    assert.equal(inspectClientHello(hello.subarray(0, end - 1)).kind, 'need-more');
  });

  it('ignores bytes after the ClientHello', () => {
    const withTail = Buffer.concat([captured.node, Buffer.from('trailing application data')]);
    assert.equal(inspectClientHello(withTail).kind, 'tls');
  });

  it('never throws on mutated real ClientHellos', () => {
    const random = seededRandom(7);
    for (const name of ['node', 'openssl', 'multiRecord']) {
      const hello = captured[name];
      for (let n = 0; n < 3000; n++) {
        const mutated = Buffer.from(hello.subarray(0, Math.floor(random() * (hello.length + 1))));
        for (let flips = 1 + Math.floor(random() * 4); flips > 0 && mutated.length > 0; flips--) {
          mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        }
        assert.doesNotThrow(() => inspectClientHello(mutated));
      }
    }
  });
});

describe('inspectClientHello decisions', () => {
  it('decides not-tls from the first byte', () => {
    assert.deepEqual(inspectClientHello(Buffer.from('G')), { kind: 'not-tls' });
    assert.deepEqual(inspectClientHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'not-tls' });
    assert.deepEqual(inspectClientHello(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')), {
      kind: 'not-tls',
    });
  });

  it('needs the record version after 0x16', () => {
    assert.deepEqual(inspectClientHello(Buffer.alloc(0)), { kind: 'need-more' });
    assert.deepEqual(inspectClientHello(Buffer.from([0x16])), { kind: 'need-more' });
    assert.deepEqual(inspectClientHello(Buffer.from([0x16, 0x02])), { kind: 'not-tls' });
    assert.deepEqual(inspectClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00])), { kind: 'need-more' });
  });

  it('rejects an SSLv2-style hello, a non-ClientHello handshake and empty records', () => {
    assert.equal(inspectClientHello(Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01])).kind, 'not-tls');
    assert.equal(inspectClientHello(record(Buffer.from([0x02, 0x00, 0x00, 0x00]))).kind, 'not-tls');
    assert.equal(inspectClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])).kind, 'not-tls');
  });

  it('parses a hand-built hello split into 1-byte records', () => {
    const message = clientHelloMessage([sniExtension('one.example'), alpnExtension(['h2'])]);
    const records = Buffer.concat([...message].map((byte) => record(Buffer.from([byte]))));
    assert.deepEqual(inspectClientHello(records), { kind: 'tls', serverName: 'one.example', alpn: ['h2'] });
    assert.equal(inspectClientHello(records.subarray(0, records.length - 1)).kind, 'need-more');
  });

  it('treats malformed SNI and duplicate extensions as not TLS', () => {
    const nulName = sniExtension('a\u0000b');
    assert.equal(inspectClientHello(record(clientHelloMessage([nulName]))).kind, 'not-tls');
    const twice = [alpnExtension(['h2']), alpnExtension(['h2'])];
    assert.equal(inspectClientHello(record(clientHelloMessage(twice))).kind, 'not-tls');
    const emptyName = sniExtension('');
    assert.equal(inspectClientHello(record(clientHelloMessage([emptyName]))).kind, 'not-tls');
  });

  it('ignores a malformed ALPN list but still detects TLS', () => {
    const badAlpn = extension(16, Buffer.from([0x00, 0x03, 0x00, 0x01, 0x41]));
    assert.deepEqual(inspectClientHello(record(clientHelloMessage([sniExtension('a.b'), badAlpn]))), {
      kind: 'tls',
      serverName: 'a.b',
      alpn: [],
    });
  });

  it('gives up on a ClientHello larger than 64 KiB', () => {
    const header = Buffer.from([0x01, 0x01, 0x00, 0x00]); // declares a 64 KiB body
    assert.deepEqual(inspectClientHello(record(header)), { kind: 'error', reason: 'client-hello-too-large' });
    const small = Buffer.from([0x01, 0x00, 0xff, 0xfb]); // 65535-byte message, in max-size records
    const many = Buffer.concat([
      record(small),
      ...Array.from({ length: 4 }, () => record(Buffer.alloc(16384))),
    ]);
    assert.ok(many.length >= MAX_CLIENT_HELLO_BYTES);
    assert.equal(inspectClientHello(many).kind, 'error');
  });

  it('never throws on random bytes', () => {
    const random = seededRandom(42);
    for (let n = 0; n < 20000; n++) {
      const buf = Buffer.alloc(Math.floor(random() * 300));
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(random() * 256);
      if (n % 2 === 0 && buf.length >= 2) [buf[0], buf[1]] = [0x16, 0x03];
      if (n % 4 === 0 && buf.length >= 6) buf[5] = 0x01;
      assert.doesNotThrow(() => inspectClientHello(buf));
    }
  });
});

// ---------------------------------------------------------------- hand-built hellos

function record(fragment: Buffer): Buffer {
  const header = Buffer.from([0x16, 0x03, 0x01, 0, 0]);
  header.writeUInt16BE(fragment.length, 3);
  return Buffer.concat([header, fragment]);
}

function extension(type: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(data.length, 2);
  return Buffer.concat([header, data]);
}

function u16Prefixed(data: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(data.length);
  return Buffer.concat([length, data]);
}

function sniExtension(name: string): Buffer {
  const entry = Buffer.concat([Buffer.from([0]), u16Prefixed(Buffer.from(name, 'latin1'))]);
  return extension(0, u16Prefixed(entry));
}

function alpnExtension(protocols: string[]): Buffer {
  const list = Buffer.concat(protocols.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])));
  return extension(16, u16Prefixed(list));
}

function clientHelloMessage(extensions: Buffer[]): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    Buffer.from([0]), // session id
    u16Prefixed(Buffer.from([0x13, 0x01])),
    Buffer.from([1, 0]), // compression: null
    u16Prefixed(Buffer.concat(extensions)),
  ]);
  const header = Buffer.from([0x01, 0, 0, 0]);
  header.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([header, body]);
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
