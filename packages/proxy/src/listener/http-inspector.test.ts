import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectHttp, MAX_HTTP_INSPECT_BYTES } from './http-inspector.ts';

const H2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

describe('inspectHttp', () => {
  const detected: [string, string][] = [
    [`${H2_PREFACE}\x00\x00\x12\x04`, 'h2c'],
    [H2_PREFACE, 'h2c'],
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'http/1.1'],
    ['POST /upload?x=1 HTTP/1.0\r\n', 'http/1.0'],
    ['OPTIONS * HTTP/1.1\r\n', 'http/1.1'],
    ['CONNECT example.com:443 HTTP/1.1\r\n', 'http/1.1'],
    ['PROPFIND /dav HTTP/1.1\n', 'http/1.1'],
    ['M-SEARCH * HTTP/1.1\r\n', 'http/1.1'],
  ];
  for (const [input, protocol] of detected) {
    it(`${JSON.stringify(input.slice(0, 30))} -> ${protocol}`, () => {
      assert.deepEqual(inspectHttp(Buffer.from(input, 'latin1')), {
        kind: 'http',
        applicationProtocols: [protocol],
      });
    });
  }

  for (const [input] of detected) {
    it(`needs more at every prefix of ${JSON.stringify(input.slice(0, 20))}`, () => {
      const full = Buffer.from(input, 'latin1');
      const decidedAt = input.startsWith('PRI') ? H2_PREFACE.length : input.indexOf('\n') + 1;
      for (let k = 0; k < decidedAt; k++) {
        assert.equal(inspectHttp(full.subarray(0, k)).kind, 'need-more', `prefix ${k}`);
      }
    });
  }

  const rejected = [
    '\x16\x03\x01\x02\x00',
    'SSH-2.0-OpenSSH_9.6\r\n',
    'GET / HTTP/2.0\r\n',
    'GET / HTTP/1.1 \r\n',
    'GET  / HTTP/1.1\r\n',
    ' GET / HTTP/1.1\r\n',
    'GET /a b HTTP/1.1\r\n',
    'GET / HTTPS/1.1\r\n',
    'GET / HTTP/1.1\rX',
    'GET\r\n',
    'G(T / HTTP/1.1\r\n',
    'PRI * HTTP/2.0\r\n\r\nXX',
    '\x00\x00\x00',
  ];
  for (const input of rejected) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.deepEqual(inspectHttp(Buffer.from(input, 'latin1')), { kind: 'not-http' });
    });
  }

  it('gives up when the request line is longer than the inspect limit', () => {
    const long = Buffer.from(`GET /${'a'.repeat(MAX_HTTP_INSPECT_BYTES)} HTTP/1.1\r\n`);
    assert.deepEqual(inspectHttp(long), { kind: 'not-http' });
    assert.equal(inspectHttp(long.subarray(0, MAX_HTTP_INSPECT_BYTES - 1)).kind, 'need-more');
  });

  it('never throws on random bytes', () => {
    let state = 99;
    const random = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20000; n++) {
      const buf = Buffer.alloc(Math.floor(random() * 64));
      for (let i = 0; i < buf.length; i++)
        buf[i] = n % 2 ? Math.floor(random() * 256) : 0x20 + Math.floor(random() * 95);
      assert.doesNotThrow(() => inspectHttp(buf));
    }
  });
});
