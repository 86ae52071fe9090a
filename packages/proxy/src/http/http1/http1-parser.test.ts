import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyKind, Http1Parser, type Http1ParserHandler, type MessageHead } from './http1-parser.ts';
import { ParseError } from './parse-error.ts';

const LIMITS = { maxHeaderBytes: 8 * 1024, maxHeaderCount: 50 };

/** Everything a parser reported, in order, with bodies joined per message. */
interface Parsed {
  heads: MessageHead[];
  /** Per completed (or open) message: its body bytes as latin1. */
  bodies: string[];
  trailers: (string[] | undefined)[];
  completed: number;
  events: string[];
}

/** A handler that records events; `pauseOn` makes it return false from that event. */
class Collector implements Http1ParserHandler {
  readonly out: Parsed = { heads: [], bodies: [], trailers: [], completed: 0, events: [] };
  pauseOn: 'head' | 'complete' | undefined = undefined;

  onHead(head: MessageHead): boolean {
    this.out.heads.push(head);
    this.out.events.push(head.status === 0 ? `head ${head.method} ${head.target}` : `head ${head.status}`);
    if (head.status === 0 || head.status >= 200) this.out.bodies.push('');
    return this.pauseOn !== 'head';
  }

  onBody(chunk: Buffer): void {
    assert.ok(chunk.length > 0, 'empty body chunk');
    const b = this.out.bodies;
    b[b.length - 1] += chunk.toString('latin1');
  }

  onMessageComplete(trailers: string[] | undefined): boolean {
    this.out.completed++;
    this.out.trailers.push(trailers);
    this.out.events.push('complete');
    return this.pauseOn !== 'complete';
  }
}

function requestParser(c: Collector, limits = LIMITS): Http1Parser {
  return new Http1Parser(true, c, limits);
}

function responseParser(c: Collector, limits = LIMITS): Http1Parser {
  return new Http1Parser(false, c, limits);
}

/** Feeds `input` in pieces of the given sizes (the last piece takes the rest). */
function feed(p: Http1Parser, input: Buffer, sizes: number[] = []): void {
  let off = 0;
  for (const n of sizes) {
    if (off >= input.length) break;
    p.execute(input.subarray(off, Math.min(off + n, input.length)));
    off += n;
  }
  if (off < input.length) p.execute(input.subarray(off));
}

function parseRequests(input: string | Buffer, sizes: number[] = []): Parsed {
  const c = new Collector();
  feed(requestParser(c), typeof input === 'string' ? Buffer.from(input, 'latin1') : input, sizes);
  return c.out;
}

function parseResponses(input: string | Buffer, sizes: number[] = []): Parsed {
  const c = new Collector();
  feed(responseParser(c), typeof input === 'string' ? Buffer.from(input, 'latin1') : input, sizes);
  return c.out;
}

/** Asserts that parsing throws a ParseError with this status (and code, if given). */
function assertRejects(parse: () => unknown, status: number, code?: string): ParseError {
  let caught: unknown;
  try {
    parse();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ParseError, `expected a ParseError, got ${String(caught)}`);
  assert.equal(caught.status, status, `status of "${caught.message}"`);
  if (code !== undefined) assert.equal(caught.code, code);
  return caught;
}

/** Feeds a request through a collector, then asserts a ParseError; returns what was seen before. */
function rejectRequest(input: string, status: number, code?: string, sizes: number[] = []): Parsed {
  const c = new Collector();
  const p = requestParser(c);
  assertRejects(() => feed(p, Buffer.from(input, 'latin1'), sizes), status, code);
  return c.out;
}

function rejectResponse(input: string, sizes: number[] = []): Parsed {
  const c = new Collector();
  const p = responseParser(c);
  assertRejects(
    () => feed(p, Buffer.from(input, 'latin1'), sizes),
    502,
    'TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL',
  );
  return c.out;
}

describe('Http1Parser: heads split across reads', () => {
  it('rejects a head with LF-only line endings as soon as the first line ends', () => {
    rejectRequest('GET / HTTP/1.1\nHost: x\n\n', 400);
    rejectRequest('GET / HTTP/1.1\nHost: x\n', 400);
    rejectRequest('GET / HTTP/1.1\r\nHost: x\n\n', 400);
    rejectResponse('HTTP/1.1 200 OK\nContent-Length: 0\n\n');
  });

  it('rejects a malformed start line before the head is complete', () => {
    rejectRequest('GET / HTTP/5.6\r\n', 505, 'TANDEM_ERR_HTTP1_VERSION');
    rejectRequest('GET /a b HTTP/1.1\r\n', 400);
    rejectResponse('HTTP/1.1 2000 OK\r\n');
  });

  it('rejects obs-fold and a bare CR while the head is still arriving', () => {
    rejectRequest('GET / HTTP/1.1\r\n Host: x', 400);
    rejectRequest('GET / HTTP/1.1\r\nHost: x\r\n\tfolded', 400);
    rejectRequest('GET / HTTP/1.1\r\nHost: x\r\n\rZ', 400);
    rejectRequest('GET / HTTP/1.1\r\nHost: x\rY: 1\r\n', 400);
  });

  it('checks each complete line once when a head arrives a byte at a time', () => {
    const ok = 'GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n';
    const out = parseRequests(ok, Array(ok.length).fill(1));
    assert.equal(out.completed, 1);
    assert.deepEqual(out.heads[0]!.headers, ['host', 'x', 'x-a', '1']);
    rejectRequest('GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n', 400, undefined, Array(60).fill(1));
    const res = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const r = parseResponses(res, Array(res.length).fill(1));
    assert.equal(r.heads[0]!.bodyKind, BodyKind.ContentLength);
    assert.deepEqual(r.bodies, ['ok']);
  });
});

describe('Http1Parser: request target', () => {
  it('accepts every visible ASCII byte, including quotes, pipes and fragments', () => {
    const target = '/a"b|c?q=1?x#f{}^`~!$&\'()*+,;=:@%20';
    const out = parseRequests(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(out.heads[0]!.target, target);
  });

  it('rejects raw non-ASCII bytes (UTF-8 or latin1) with 400', () => {
    rejectRequest('GET /d\xc3\xbcsseldorf HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'TANDEM_ERR_HTTP1_TARGET');
    rejectRequest('GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'TANDEM_ERR_HTTP1_TARGET');
  });

  it('rejects controls, a missing target and extra spaces', () => {
    rejectRequest('GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n', 400);
    rejectRequest('GET /a\x7fb HTTP/1.1\r\nHost: x\r\n\r\n', 400);
    rejectRequest('GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n', 400);
    rejectRequest('GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400);
    rejectRequest('GET / HTTP/1.1 \r\nHost: x\r\n\r\n', 400);
    rejectRequest('GET HTTP/1.1\r\nHost: x\r\n\r\n', 400);
  });
});

describe('Http1Parser: nothing after a message that closes the connection', () => {
  it('rejects a request after one with Connection: close, once the first is complete', () => {
    const first = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nq=42';
    const seen = rejectRequest(
      `${first}\r\n\r\nGET /evil HTTP/1.1\r\nHost: x\r\n\r\n`,
      400,
      'TANDEM_ERR_HTTP1_DATA_AFTER_CLOSE',
    );
    assert.equal(seen.completed, 1);
    assert.deepEqual(
      seen.heads.map((h) => h.target),
      ['/'],
    );
    assert.deepEqual(seen.bodies, ['q=42']);
  });

  it('treats HTTP/1.0 without keep-alive the same way, and allows trailing CRLFs', () => {
    const seen = rejectRequest('GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n', 400);
    assert.equal(seen.completed, 1);
    const ok = parseRequests('GET /a HTTP/1.0\r\n\r\n\r\n\r\n');
    assert.equal(ok.completed, 1);
    assert.equal(ok.heads[0]!.keepAlive, false);
  });

  it('rejects bytes after a Connection: close response body', () => {
    const seen = rejectResponse(
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n2ad731e3-4dcd',
    );
    assert.equal(seen.completed, 1);
    assert.deepEqual(seen.bodies, ['2ad73']);
    rejectResponse('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\n\r\n');
  });

  it('counts the connection as idle (finish succeeds) after the closing message', () => {
    const c = new Collector();
    const p = responseParser(c);
    p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n\r\n'));
    assert.equal(c.out.completed, 1);
    assert.equal(p.idle, true);
    assert.equal(p.finish(), true);
  });
});

describe('Http1Parser: Transfer-Encoding statuses', () => {
  const post = (te: string): string => `POST / HTTP/1.1\r\nHost: x\r\n${te}\r\n\r\n0\r\n\r\n`;

  it('answers 400 when chunked is not the final coding, whatever the codings are', () => {
    for (const te of [
      'gzip',
      'xchunked',
      'chunkedchunked',
      'chunked, gzip',
      'identity',
      'chunked;q=1',
      ',',
    ]) {
      const seen = rejectRequest(post(`Transfer-Encoding: ${te}`), 400, 'TANDEM_ERR_HTTP1_FRAMING');
      assert.equal(seen.heads.length, 0, te);
    }
    rejectRequest(
      post('Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip'),
      400,
      'TANDEM_ERR_HTTP1_FRAMING',
    );
  });

  it('answers 400 to chunked twice and 501 to an unknown coding before chunked', () => {
    rejectRequest(post('Transfer-Encoding: chunked, chunked'), 400, 'TANDEM_ERR_HTTP1_FRAMING');
    rejectRequest(post('Transfer-Encoding: gzip, chunked, chunked'), 400, 'TANDEM_ERR_HTTP1_FRAMING');
    rejectRequest(post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked'), 400);
    rejectRequest(post('Transfer-Encoding: gzip, chunked'), 501, 'TANDEM_ERR_HTTP1_TRANSFER_ENCODING');
    rejectRequest(post('Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked'), 501);
  });
});

describe('Http1Parser: limits', () => {
  const small = { maxHeaderBytes: 256, maxHeaderCount: 4 };

  it('answers 431 to a request head over maxHeaderBytes, complete or not', () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(300)}\r\n\r\n`;
    for (const input of [big, big.slice(0, 290)]) {
      const c = new Collector();
      assertRejects(
        () => requestParser(c, small).execute(Buffer.from(input)),
        431,
        'TANDEM_ERR_HTTP1_HEADERS_TOO_LARGE',
      );
      assert.equal(c.out.heads.length, 0);
    }
    // Split into small reads, the limit still holds for the accumulated head.
    const c = new Collector();
    assertRejects(() => feed(requestParser(c, small), Buffer.from(big), Array(40).fill(10)), 431);
  });

  it('answers 431 to more than maxHeaderCount fields', () => {
    const fields = Array.from({ length: 4 }, (_, i) => `X-${i}: v\r\n`).join('');
    const c = new Collector();
    assertRejects(
      () => requestParser(c, small).execute(Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${fields}\r\n`)),
      431,
      'TANDEM_ERR_HTTP1_TOO_MANY_HEADERS',
    );
    const ok = new Collector();
    requestParser(ok, small).execute(
      Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-0: v\r\nX-1: v\r\nX-2: v\r\n\r\n`),
    );
    assert.equal(ok.out.completed, 1);
  });

  it('answers 502, not 431, to an upstream response over the limits', () => {
    const c = new Collector();
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(300)}\r\n\r\n`;
    assertRejects(
      () => responseParser(c, small).execute(Buffer.from(big)),
      502,
      'TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL',
    );
    const many = `HTTP/1.1 200 OK\r\n${'X: v\r\n'.repeat(5)}\r\n`;
    assertRejects(
      () => responseParser(c, small).execute(Buffer.from(many)),
      502,
      'TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL',
    );
  });
});
