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

/** mulberry32: a small seeded PRNG, so random splits are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a parse produced, as one comparable value. */
function snapshot(p: Parsed): unknown {
  return {
    heads: p.heads.map((h) => ({ ...h, headers: [...h.headers] })),
    bodies: p.bodies,
    trailers: p.trailers,
    completed: p.completed,
    events: p.events,
  };
}

describe('Http1Parser: a chunked request split every way', () => {
  const input =
    'POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n' +
    'X-Mixed-Case:  padded value \t\r\n\r\n' +
    '5;name=value;quoted="a \\"b\\" ; c"\r\nhello\r\n' +
    'A ; ext\r\n, chunked!\r\n' +
    '000\r\nX-Sum: 42\r\nX-Other:\tz \r\n\r\n' +
    'GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n';
  const bytes = Buffer.from(input, 'latin1');
  const expected = snapshot(parseRequests(bytes));

  it('parses the values', () => {
    const p = parseRequests(bytes);
    const h = p.heads[0]!;
    assert.equal(h.method, 'POST');
    assert.equal(h.target, '/upload?x=1');
    assert.equal(h.versionMinor, 1);
    assert.deepEqual(h.headers, [
      'host',
      'example.com',
      'transfer-encoding',
      'chunked',
      'trailer',
      'X-Sum',
      'x-mixed-case',
      'padded value',
    ]);
    assert.equal(h.bodyKind, BodyKind.Chunked);
    assert.equal(h.keepAlive, true);
    assert.equal(h.upgrade, false);
    assert.equal(h.expectContinue, false);
    assert.deepEqual(p.bodies, ['hello, chunked!', '']);
    assert.deepEqual(p.trailers, [['x-sum', '42', 'x-other', 'z'], undefined]);
    assert.deepEqual(p.events, ['head POST /upload?x=1', 'complete', 'head GET /next', 'complete']);
  });

  it('gives the same result fed one byte at a time', () => {
    assert.deepEqual(snapshot(parseRequests(bytes, Array(bytes.length).fill(1))), expected);
  });

  it('gives the same result split in two at every offset', () => {
    for (let i = 1; i < bytes.length; i++) {
      assert.deepEqual(snapshot(parseRequests(bytes, [i])), expected, `split at ${i}`);
    }
  });

  it('gives the same result in 500 random splits (seeded)', () => {
    const rand = prng(0x7a4d3);
    for (let run = 0; run < 500; run++) {
      const sizes: number[] = [];
      for (let total = 0; total < bytes.length; ) {
        const n = 1 + Math.floor(rand() * 24);
        sizes.push(n);
        total += n;
      }
      assert.deepEqual(snapshot(parseRequests(bytes, sizes)), expected, `sizes ${sizes.join(',')}`);
    }
  });
});

describe('Http1Parser: pipelining with pause() and resume()', () => {
  const three =
    'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n' +
    'POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' +
    'GET /3 HTTP/1.1\r\nHost: x\r\n\r\n';

  it('holds later requests until resume(), whichever way they arrive', () => {
    for (const sizes of [[], Array(three.length).fill(1), [20, 40, 7]]) {
      const c = new Collector();
      c.pauseOn = 'complete';
      const p = requestParser(c);
      feed(p, Buffer.from(three), sizes);
      assert.deepEqual(c.out.events, ['head GET /1', 'complete']);
      assert.equal(p.idle, false, 'the rest is buffered');
      p.resume();
      assert.deepEqual(c.out.events.slice(2), ['head POST /2', 'complete']);
      assert.deepEqual(c.out.bodies, ['', 'abc']);
      p.resume();
      assert.deepEqual(c.out.events.slice(4), ['head GET /3', 'complete']);
      p.resume();
      assert.equal(p.idle, true);
      assert.equal(c.out.completed, 3);
    }
  });

  it('keeps bytes that arrive while paused, and parses them on resume', () => {
    const c = new Collector();
    c.pauseOn = 'complete';
    const p = requestParser(c);
    p.execute(Buffer.from('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HT'));
    p.execute(Buffer.from('TP/1.1\r\nHost: x\r\n\r\n'));
    assert.equal(c.out.completed, 1);
    c.pauseOn = undefined;
    p.resume();
    assert.deepEqual(c.out.events, ['head GET /1', 'complete', 'head GET /2', 'complete']);
  });

  it('pausing in onHead holds the body until resume()', () => {
    const c = new Collector();
    c.pauseOn = 'head';
    const p = requestParser(c);
    p.execute(Buffer.from('POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'));
    assert.deepEqual(c.out.bodies, ['']);
    assert.equal(c.out.completed, 0);
    p.resume();
    assert.deepEqual(c.out.bodies, ['abc']);
    assert.equal(c.out.completed, 1);
  });

  it('skips empty lines between requests, but only CRLF ones', () => {
    const ok = parseRequests('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(ok.completed, 2);
    const seen = rejectRequest('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n', 400);
    assert.equal(seen.completed, 1);
    rejectRequest('\rGET / HTTP/1.1\r\nHost: x\r\n\r\n', 400);
  });
});

describe('Http1Parser: keep-alive and Connection tokens', () => {
  const keepAlive = (req: string): boolean => parseRequests(req).heads[0]!.keepAlive;

  it('applies the HTTP/1.0 and HTTP/1.1 defaults', () => {
    assert.equal(keepAlive('GET / HTTP/1.0\r\n\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.1\r\nHost: x\r\nConnection: CLOSE\r\n\r\n'), false);
  });

  it('reads Connection as a token list, across fields, by whole tokens', () => {
    assert.equal(keepAlive('GET / HTTP/1.1\r\nHost: x\r\nConnection: foo,  close ,bar\r\n\r\n'), false);
    assert.equal(
      keepAlive('GET / HTTP/1.1\r\nHost: x\r\nConnection: te\r\nConnection: close\r\n\r\n'),
      false,
    );
    assert.equal(keepAlive('GET / HTTP/1.1\r\nHost: x\r\nConnection: closed, xclose\r\n\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: te,keep-alive\r\n\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: keep-alived\r\n\r\n'), false);
  });

  it('applies the same rules to responses; a close-delimited body never keeps alive', () => {
    const res = (r: string): MessageHead => parseResponses(r).heads[0]!;
    assert.equal(res('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive, true);
    assert.equal(res('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n').keepAlive, false);
    assert.equal(res('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive, false);
    assert.equal(
      res('HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n').keepAlive,
      true,
    );
    const untilClose = res('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody');
    assert.equal(untilClose.bodyKind, BodyKind.UntilClose);
    assert.equal(untilClose.keepAlive, false);
  });

  it('sets expectContinue only for 100-continue on HTTP/1.1', () => {
    const h = (r: string): MessageHead => parseRequests(r).heads[0]!;
    assert.equal(
      h('PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx').expectContinue,
      true,
    );
    assert.equal(
      h('PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx').expectContinue,
      false,
    );
    assert.equal(
      h('PUT / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx').expectContinue,
      false,
    );
  });
});

describe('Http1Parser: Upgrade and CONNECT', () => {
  it('detaches after an upgrade head and hands over the bytes after it', () => {
    const c = new Collector();
    const p = requestParser(c);
    p.execute(
      Buffer.from(
        'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello',
        'latin1',
      ),
    );
    p.execute(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const h = c.out.heads[0]!;
    assert.equal(h.upgrade, true);
    assert.deepEqual(c.out.events, ['head GET /chat']);
    assert.equal(p.takeRemaining()?.toString('latin1'), '\x81\x05helloGET / HTTP/1.1\r\n\r\n');
  });

  it('treats CONNECT as an upgrade with an authority-form target', () => {
    const c = new Collector();
    const p = requestParser(c);
    p.execute(
      Buffer.from('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01', 'latin1'),
    );
    assert.equal(c.out.heads[0]!.method, 'CONNECT');
    assert.equal(c.out.heads[0]!.target, 'example.com:443');
    assert.equal(c.out.heads[0]!.upgrade, true);
    assert.equal(p.takeRemaining()?.length, 3);
  });

  it('needs both Connection: upgrade and an Upgrade field', () => {
    const up = (fields: string): boolean =>
      parseRequests(`GET / HTTP/1.1\r\nHost: x\r\n${fields}\r\n\r\n`).heads[0]!.upgrade;
    assert.equal(up('Upgrade: websocket'), false);
    assert.equal(up('Connection: upgrade'), false);
    assert.equal(up('Connection: Upgrade\r\nUpgrade: websocket'), true);
    // An h2c upgrade offer is declined (served as HTTP/1.1), as Envoy does.
    assert.equal(up('Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c'), false);
  });

  it('reports 101 responses as upgrades and keeps the tunnel bytes', () => {
    const c = new Collector();
    const p = responseParser(c);
    p.execute(
      Buffer.from('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nraw'),
    );
    assert.equal(c.out.heads[0]!.status, 101);
    assert.equal(c.out.heads[0]!.upgrade, true);
    assert.equal(c.out.completed, 0);
    assert.equal(p.takeRemaining()?.toString(), 'raw');
  });
});

describe('Http1Parser: request smuggling vectors', () => {
  const SECOND = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

  /** The vector must fail with `status`, before any body byte or a second head is delivered. */
  function assertBlocked(head: string, body: string, status: number, code?: string): void {
    for (const sizes of [[], Array(head.length + body.length + SECOND.length).fill(1)]) {
      const seen = rejectRequest(head + body + SECOND, status, code, sizes);
      assert.equal(seen.heads.length, 0, `a head was delivered for ${JSON.stringify(head)}`);
      assert.ok(!seen.events.includes('head GET /smuggled'));
    }
  }

  const post = (fields: string): string => `POST / HTTP/1.1\r\nHost: x\r\n${fields}\r\n\r\n`;

  it('Content-Length together with Transfer-Encoding: 400', () => {
    assertBlocked(
      post('Content-Length: 6\r\nTransfer-Encoding: chunked'),
      '0\r\n\r\n',
      400,
      'TANDEM_ERR_HTTP1_FRAMING',
    );
    assertBlocked(post('Transfer-Encoding: chunked\r\nContent-Length: 6'), '0\r\n\r\n', 400);
  });

  it('Transfer-Encoding not ending in chunked, chunked twice, xchunked: 400', () => {
    assertBlocked(post('Transfer-Encoding: chunked, identity'), '0\r\n\r\n', 400);
    assertBlocked(post('Transfer-Encoding: chunked, chunked'), '0\r\n\r\n', 400);
    assertBlocked(post('Transfer-Encoding: xchunked'), '0\r\n\r\n', 400);
    assertBlocked(post('Transfer-Encoding: chunked\r\nTransfer-Encoding: x'), '0\r\n\r\n', 400);
    assertBlocked(post('Transfer-Encoding: "chunked"'), '0\r\n\r\n', 400);
  });

  it('Transfer-Encoding on an HTTP/1.0 request: 400', () => {
    assertBlocked('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', '0\r\n\r\n', 400);
  });

  it('Content-Length with a sign, space, hex, fraction or exponent: 400', () => {
    for (const v of ['+5', '-5', '5 5', '0x5', '5.0', '5e0', '5;', '٥', '']) {
      assertBlocked(post(`Content-Length: ${v}`), 'hello', 400, 'TANDEM_ERR_HTTP1_FRAMING');
    }
    assertBlocked(post('Content-Length: 1000000000000000000000'), 'hello', 400);
  });

  it('accepts optional whitespace around a Content-Length, and a list of equal values', () => {
    const ok = parseRequests(`${post('Content-Length: \t5 ')}hello`);
    assert.deepEqual(ok.bodies, ['hello']);
    const list = parseRequests(`${post('Content-Length: 5, 5\r\nContent-Length: 5')}hello`);
    assert.deepEqual(list.bodies, ['hello']);
    assert.equal(list.heads[0]!.contentLength, 5);
  });

  it('different Content-Length values, in one field or two: 400', () => {
    assertBlocked(post('Content-Length: 5\r\nContent-Length: 6'), 'hello!', 400);
    assertBlocked(post('Content-Length: 5, 6'), 'hello!', 400);
  });

  it('whitespace before the colon, in a name, or an empty name: 400', () => {
    assertBlocked(post('Content-Length : 5'), 'hello', 400, 'TANDEM_ERR_HTTP1_HEADER');
    assertBlocked(post('Transfer-Encoding\t: chunked'), '0\r\n\r\n', 400);
    assertBlocked(post('Content Length: 5'), 'hello', 400);
    assertBlocked(post(': 5'), 'hello', 400);
    assertBlocked(post('Content-Length\x00: 5'), 'hello', 400);
  });

  it('obs-fold (a line starting with SP or HTAB): 400', () => {
    assertBlocked(post('Content-Length: 5\r\n 0'), 'hello', 400);
    assertBlocked(post('X-A: 1\r\n\tTransfer-Encoding: chunked'), '0\r\n\r\n', 400);
    assertBlocked('POST / HTTP/1.1\r\n Host: x\r\n\r\n', '', 400);
  });

  it('bare CR, bare LF and NUL in a field: 400', () => {
    assertBlocked(post('X-A: 1\rContent-Length: 5'), 'hello', 400);
    assertBlocked(post('X-A: 1\nContent-Length: 5'), 'hello', 400);
    assertBlocked(post('X-A: 1\x00\r\nContent-Length: 5'), 'hello', 400);
    assertBlocked(post('X-A: 1\x7f\r\nContent-Length: 5'), 'hello', 400);
  });

  it('LF-only line endings anywhere in the head: 400', () => {
    assertBlocked('POST / HTTP/1.1\nHost: x\nContent-Length: 5\n\n', 'hello', 400);
    assertBlocked('POST / HTTP/1.1\r\nHost: x\nContent-Length: 5\r\n\r\n', 'hello', 400);
  });

  it('two Host fields, or none on HTTP/1.1: 400', () => {
    assertBlocked('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', '', 400, 'TANDEM_ERR_HTTP1_HOST');
    assertBlocked('GET / HTTP/1.1\r\n\r\n', '', 400, 'TANDEM_ERR_HTTP1_HOST');
  });

  it('versions: 505 for other HTTP versions, 400 for anything else', () => {
    assertBlocked('GET / HTTP/2.0\r\nHost: x\r\n\r\n', '', 505, 'TANDEM_ERR_HTTP1_VERSION');
    assertBlocked('GET / HTTP/1.2\r\nHost: x\r\n\r\n', '', 505);
    assertBlocked('GET / http/1.1\r\nHost: x\r\n\r\n', '', 400);
    assertBlocked('GET / HTTP/1.10\r\nHost: x\r\n\r\n', '', 400);
    assertBlocked('GET / HTTP/1\r\nHost: x\r\n\r\n', '', 400);
  });
});

describe('Http1Parser: smuggling through the chunked body', () => {
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  const SECOND = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

  /** The body must fail with 400, delivering at most `before` of its bytes and no second head. */
  function assertBodyBlocked(body: string, before: string): void {
    for (const sizes of [[], Array(head.length + body.length).fill(1)]) {
      const seen = rejectRequest(head + body + SECOND, 400, 'TANDEM_ERR_HTTP1_CHUNKED', sizes);
      assert.equal(seen.heads.length, 1);
      assert.equal(seen.completed, 0);
      assert.equal(seen.bodies[0], before);
    }
  }

  it('chunk size overflow, signs, spaces, empty sizes', () => {
    assertBodyBlocked('1000000000000\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('ffffffffffffffffff\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('-5\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('+5\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('0x5\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked(' 5\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('5 \r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('\r\nhello\r\n0\r\n\r\n', '');
  });

  it('missing CRLF after chunk data, or data longer than its size', () => {
    assertBodyBlocked('5\r\nhelloXX\r\n0\r\n\r\n', 'hello');
    assertBodyBlocked('5\r\nhello0\r\n\r\n', 'hello');
    assertBodyBlocked('3\r\nhello\r\n0\r\n\r\n', 'hel');
  });

  it('LF-only line endings, and bare CR, in the chunked framing', () => {
    assertBodyBlocked('5\nhello\n0\n\n', '');
    assertBodyBlocked('5\r\nhello\n0\r\n\r\n', 'hello');
    assertBodyBlocked('5\r\nhello\r\n0\n\n', 'hello');
    assertBodyBlocked('5\r\rhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('5\r\nhello\r\n0\r\nX: 1\n\r\n', 'hello');
  });

  it('malformed extensions and trailers', () => {
    assertBodyBlocked('5;\x00\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('5;a="unterminated\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('5;=v\r\nhello\r\n0\r\n\r\n', '');
    assertBodyBlocked('5\r\nhello\r\n0\r\nBad Name: 1\r\n\r\n', 'hello');
    assertBodyBlocked('5\r\nhello\r\n0\r\n folded: 1\r\n\r\n', 'hello');
  });
});

describe('Http1Parser: responses', () => {
  it('parses status, reason, version and fields', () => {
    const r = parseResponses('HTTP/1.0 404 Not Found Here\r\nContent-Length: 2\r\nX-A: b\r\n\r\nno');
    const h = r.heads[0]!;
    assert.deepEqual(
      [h.status, h.reason, h.versionMinor, h.method, h.target],
      [404, 'Not Found Here', 0, '', ''],
    );
    assert.deepEqual(h.headers, ['content-length', '2', 'x-a', 'b']);
    assert.deepEqual(r.bodies, ['no']);
    assert.equal(parseResponses('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').heads[0]!.reason, '');
    assert.equal(parseResponses('HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n').heads[0]!.reason, '');
  });

  it('delivers 1xx interim heads, then the final response', () => {
    for (const sizes of [[], Array(200).fill(1)]) {
      const r = parseResponses(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
        sizes,
      );
      assert.deepEqual(r.events, ['head 100', 'head 103', 'head 200', 'complete']);
      assert.deepEqual(r.bodies, ['hello']);
      assert.deepEqual(r.heads[1]!.headers, ['link', '</a.css>']);
    }
  });

  it('reads no body for 204, 304 and 1xx, even with a Content-Length', () => {
    const r = parseResponses(
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n' +
        'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
    );
    assert.deepEqual(r.events, ['head 204', 'complete', 'head 304', 'complete', 'head 200', 'complete']);
    assert.deepEqual(r.bodies, ['', '', 'hello']);
  });

  it('reads no body after HEAD (expectNoBody), whatever the framing says', () => {
    const c = new Collector();
    const p = responseParser(c);
    p.expectNoBody = true;
    p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'));
    p.expectNoBody = false;
    p.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
    assert.deepEqual(c.out.events, ['head 200', 'complete', 'head 200', 'complete']);
    assert.deepEqual(c.out.bodies, ['', 'ok']);
    assert.equal(c.out.heads[0]!.contentLength, 0);
  });

  it('ends a close-delimited body at finish(), and only then', () => {
    for (const sizes of [[], [20, 3, 1, 50]]) {
      const c = new Collector();
      const p = responseParser(c);
      feed(p, Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'), sizes);
      assert.equal(c.out.heads[0]!.bodyKind, BodyKind.UntilClose);
      assert.equal(c.out.completed, 0);
      assert.equal(p.finish(), true);
      assert.deepEqual(c.out.bodies, ['until the end']);
      assert.deepEqual(c.out.events, ['head 200', 'complete']);
      assert.equal(p.idle, true);
    }
  });

  it('finish() reports a message cut short', () => {
    const cut = (input: string): boolean => {
      const p = responseParser(new Collector());
      p.execute(Buffer.from(input));
      return p.finish();
    };
    assert.equal(cut('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'), false);
    assert.equal(cut('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'), false);
    assert.equal(cut('HTTP/1.1 200 OK\r\nContent-Le'), false);
    assert.equal(cut('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'), true);
    assert.equal(cut(''), true);
  });

  it('parses a chunked response with extensions and trailers, split anyhow', () => {
    const input =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n';
    for (const sizes of [[], Array(input.length).fill(1), [45, 2, 9]]) {
      const r = parseResponses(input, sizes);
      assert.deepEqual(r.bodies, ['Wikipedia']);
      assert.deepEqual(r.trailers, [['expires', 'never']]);
    }
  });

  it('answers 502 to malformed status lines', () => {
    for (const line of [
      'HTTP/1.1 2OO OK',
      'HTTP/1.1 20 OK',
      'HTTP/1.1 2000 OK',
      'HTTP/1.1 099 Low',
      'HTTP/1.1  200 OK',
      'HTTP/1.1\t200 OK',
      'HTTP/2 200 OK',
      'HTTP/2.0 200 OK',
      'HTTP/1.1 200 O\x00K',
      'HTTP/1.1 200 OK\rX',
      'HTP/1.1 200 OK',
      'ICY 200 OK',
      'HTTP/1.1',
    ]) {
      const seen = rejectResponse(`${line}\r\nContent-Length: 0\r\n\r\n`);
      assert.equal(seen.heads.length, 0, line);
    }
  });

  it('answers 502 to ambiguous framing and malformed fields', () => {
    rejectResponse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    rejectResponse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!');
    rejectResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx');
    rejectResponse('HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\nContent-Length: 0\r\n\r\n');
    rejectResponse('HTTP/1.1 200 OK\r\nX : 1\r\nContent-Length: 0\r\n\r\n');
    const bad = rejectResponse(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    );
    assert.equal(bad.heads.length, 1, 'the head came first; the body fails after it');
  });
});
