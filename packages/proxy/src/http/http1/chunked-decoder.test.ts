import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedDecoder, type ChunkSink } from './chunked-decoder.ts';
import { ParseError } from './parse-error.ts';

class Sink implements ChunkSink {
  body = '';
  chunks = 0;
  onBody(chunk: Buffer): void {
    assert.ok(chunk.length > 0, 'empty data slice');
    this.body += chunk.toString('latin1');
    this.chunks++;
  }
}

interface Decoded {
  body: string;
  done: boolean;
  trailers: string[] | undefined;
  /** Offset (in the whole input) where decoding stopped. */
  end: number;
}

/** Decodes `input` in pieces of `step` bytes (0: one piece), as the parser calls the decoder. */
function decode(input: string, step = 0, isRequest = true): Decoded {
  const d = new ChunkedDecoder();
  const sink = new Sink();
  const bytes = Buffer.from(input, 'latin1');
  const n = step === 0 ? bytes.length : step;
  let end = 0;
  for (let off = 0; off < bytes.length && !d.done; off += n) {
    const piece = bytes.subarray(off, off + n);
    end = off + d.decode(piece, 0, sink, isRequest);
  }
  return { body: sink.body, done: d.done, trailers: d.takeTrailers(), end };
}

function rejects(input: string, isRequest = true): ParseError {
  let caught: unknown;
  for (const step of [0, 1]) {
    caught = undefined;
    try {
      decode(input, step, isRequest);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ParseError, `${JSON.stringify(input)} (step ${step}) was accepted`);
    assert.equal(caught.status, isRequest ? 400 : 502);
    assert.equal(caught.code, isRequest ? 'TANDEM_ERR_HTTP1_CHUNKED' : 'TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL');
  }
  return caught as ParseError;
}

describe('ChunkedDecoder', () => {
  it('decodes sizes in either case, with leading zeros, byte by byte or whole', () => {
    const input = 'a\r\n0123456789\r\nA\r\nabcdefghij\r\n00001\r\n!\r\n000\r\n\r\n';
    for (const step of [0, 1, 2, 3, 7]) {
      const r = decode(input, step);
      assert.equal(r.body, '0123456789abcdefghij!');
      assert.equal(r.done, true);
      assert.equal(r.trailers, undefined);
      assert.equal(r.end, input.length);
    }
  });

  it('passes data through as slices of the input, without copying', () => {
    const d = new ChunkedDecoder();
    const input = Buffer.from('5\r\nhello\r\n0\r\n\r\n');
    const slices: Buffer[] = [];
    d.decode(input, 0, { onBody: (b) => slices.push(b) }, true);
    assert.equal(slices.length, 1);
    assert.equal(slices[0]!.buffer, input.buffer);
    assert.equal(slices[0]!.byteOffset, input.byteOffset + 3);
  });

  it('stops right after the last chunk and leaves the rest to the caller', () => {
    const input = '2\r\nok\r\n0\r\n\r\nGET / HTTP/1.1\r\n';
    const d = new ChunkedDecoder();
    const sink = new Sink();
    const end = d.decode(Buffer.from(input), 0, sink, true);
    assert.equal(end, input.indexOf('GET'));
    assert.equal(d.done, true);
    assert.equal(sink.body, 'ok');
  });

  it('accepts chunk extensions: tokens, quoted strings with escapes, whitespace around ;', () => {
    const input =
      '5;a\r\nhello\r\n5;a=b;c="d e";f="g\\"h\\\\"\r\nworld\r\n1 ; x = "y" \r\n!\r\n0;last\r\n\r\n';
    for (const step of [0, 1]) assert.equal(decode(input, step).body, 'helloworld!');
  });

  it('rejects malformed extensions', () => {
    for (const ext of [
      ';',
      '; =v',
      ';a=',
      ';a="x',
      ';a="x"y',
      ';a b',
      ';a=b c',
      ';\x01',
      ';a=\x7f',
      ';a,b',
    ]) {
      rejects(`5${ext}\r\nhello\r\n0\r\n\r\n`);
    }
    rejects(`5;a=${'x'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`);
  });

  it('parses trailers into lower-case pairs with trimmed values', () => {
    const input = '0\r\nX-Sum: 42\r\nEtag:\t"abc" \r\nEmpty:\r\n\r\n';
    for (const step of [0, 1]) {
      const r = decode(input, step);
      assert.deepEqual(r.trailers, ['x-sum', '42', 'etag', '"abc"', 'empty', '']);
      assert.equal(r.end, input.length);
    }
  });

  it('rejects malformed trailers', () => {
    rejects('0\r\nNo colon\r\n\r\n');
    rejects('0\r\n: empty name\r\n\r\n');
    rejects('0\r\nBad Name: 1\r\n\r\n');
    rejects('0\r\n folded: 1\r\n\r\n');
    rejects('0\r\nX: a\x00b\r\n\r\n');
    rejects('0\r\nX: a\nY: b\r\n\r\n');
    rejects('0\r\nX: a\rY: b\r\n\r\n');
    rejects(`0\r\nX: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
  });

  it('rejects sizes that are not hex, signed, spaced or too long', () => {
    for (const size of ['', 'g', '-1', '+1', '0x1', ' 1', '1 ', '1\t', '1000000000000', '1_0']) {
      rejects(`${size}\r\nx\r\n0\r\n\r\n`);
    }
  });

  it('accepts the largest size it allows (12 hex digits) without losing precision', () => {
    const d = new ChunkedDecoder();
    const sink = new Sink();
    d.decode(Buffer.from('ffffffffffff\r\nabc'), 0, sink, true);
    assert.equal(sink.body, 'abc');
    assert.equal(d.done, false);
  });

  it('requires CRLF exactly: after the size, after the data, after the last chunk', () => {
    rejects('5\nhello\r\n0\r\n\r\n');
    rejects('5\r\rhello\r\n0\r\n\r\n');
    rejects('5\r\nhelloX\r\n0\r\n\r\n');
    rejects('5\r\nhello\n0\r\n\r\n');
    rejects('5\r\nhello\r\r0\r\n\r\n');
    rejects('0\r\n\n');
    rejects('0\r\n\rX');
  });

  it('answers 502 for an upstream response', () => {
    const err = rejects('zz\r\n', false);
    assert.match(err.message, /^upstream /);
  });

  it('can be reset and reused for the next message', () => {
    const d = new ChunkedDecoder();
    const sink = new Sink();
    d.decode(Buffer.from('1\r\na\r\n0\r\nX: 1\r\n\r\n'), 0, sink, true);
    assert.equal(d.done, true);
    assert.deepEqual(d.takeTrailers(), ['x', '1']);
    d.reset();
    assert.equal(d.done, false);
    d.decode(Buffer.from('1;e=1\r\nb\r\n0\r\n\r\n'), 0, sink, true);
    assert.equal(d.done, true);
    assert.equal(d.takeTrailers(), undefined);
    assert.equal(sink.body, 'ab');
  });
});
