/**
 * llhttp's own request and response cases (shared/testdata/http1/llhttp-tests, read in place)
 * run straight through Http1Parser, whole and one byte at a time:
 * - every case llhttp rejects must be rejected (a ParseError), unless it is listed below as
 *   harmless with the reason;
 * - every case llhttp accepts in strict mode must parse and complete as many messages as llhttp
 *   logs, unless it is listed below as something we reject on purpose, with the reason;
 * - upgrades and CONNECT must be reported as upgrades after the same number of messages.
 *
 * Two differences are rules rather than cases, so they are handled by rule:
 * - HOST: an HTTP/1.1 request without Host is a 400 here (RFC 9112 section 3.2: a server MUST
 *   answer 400), llhttp leaves that to its user. Such cases must fail with exactly that error,
 *   and are then run again with `Host: h` added to each request head, to check their framing.
 * - LINE AT A TIME: llhttp rejects at the offending byte; we check a head line when its CRLF
 *   arrives and framing fields when the head is complete. When llhttp's input stops before that
 *   point, finish() must report the message incomplete (nothing was delivered), and completing
 *   the head with CRLFCRLF must then make the parser throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LlhttpCase, loadLlhttpCases } from '../../../test/helpers/llhttp-cases.ts';
import { Http1Parser, type Http1ParserHandler, type MessageHead } from './http1-parser.ts';
import { ParseError } from './parse-error.ts';

const LIMITS = { maxHeaderBytes: 64 * 1024, maxHeaderCount: 200 };

/** llhttp accepts these in strict mode; a proxy has reasons to refuse them. */
const STRICTER: Record<string, string> = {
  'request/method.md: SOURCE request with ICE':
    'ICE/1.0 is not HTTP; an HTTP proxy forwards HTTP/1.0 and 1.1 only',
  'request/method.md: OPTIONS request with RTSP': 'RTSP/1.0 is not HTTP (same reason)',
  'request/method.md: ANNOUNCE request with RTSP': 'RTSP/1.0 is not HTTP (same reason)',
  'request/sample.md: No HTTP version':
    'an HTTP/0.9 request line has no headers, no Host and no framing; nothing a mesh should route',
  'request/transfer-encoding.md: POST with `chunked` as last transfer-encoding':
    'deflate before chunked: we would have to forward a coding we cannot undo or re-frame; 501 as RFC 9112 section 6.1 advises (Envoy does the same)',
  'request/transfer-encoding.md: POST with `chunked` as last transfer-encoding (multiple headers)':
    'same as the previous case, with the codings in two fields',
  'response/sample.md: RTSP response': 'RTSP/1.0 is not HTTP: a 502 rather than relaying it',
  'response/sample.md: ICE response': 'ICE/1.0 is not HTTP (same reason)',
  'response/sample.md: HTTP version 0.9':
    'HTTP/0.9 has no status line: a status line claiming it is a broken upstream, 502',
  'response/transfer-encoding.md: `chunked` before other transfer-encoding':
    'a response whose body llhttp reads until close because chunked is not last; the client would receive a body with a coding the proxy cannot re-frame, so 502',
  'response/transfer-encoding.md: multiple transfer-encoding where chunked is not the last one':
    'same as the previous case (chunked, then identity)',
  'response/transfer-encoding.md: `chunkedchunked` transfer-encoding does not enable chunked enconding':
    'an unknown coding ("chunkedchunked") on a response: 502 rather than a close-delimited body we cannot interpret',
};

/** llhttp rejects these; we accept them because they are harmless, and say why. */
const ACCEPTED: Record<string, string> = {
  'request/invalid.md: HTTP protocol and ANNOUNCE method':
    'llhttp knows only its own method list per protocol; RFC 9110 section 9.1 allows any token as a method and a proxy must forward extension methods (WebDAV, PURGE, ...)',
};

interface Outcome {
  error: ParseError | undefined;
  /** Messages completed: onMessageComplete, plus interim 1xx and upgrade heads (llhttp counts both). */
  completed: number;
  upgraded: boolean;
  /** finish() at the end of the input (undefined after an error). */
  finished: boolean | undefined;
  /** Bytes delivered as bodies. */
  bodyBytes: number;
}

class Recorder implements Http1ParserHandler {
  completed = 0;
  upgraded = false;
  bodyBytes = 0;
  pauseOnHead = false;
  pauseOnComplete = false;

  onHead(head: MessageHead): boolean {
    if (head.upgrade) {
      this.upgraded = true;
      this.completed++;
    } else if (head.status >= 100 && head.status < 200) {
      this.completed++;
    }
    return !this.pauseOnHead;
  }

  onBody(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
  }

  onMessageComplete(): boolean {
    this.completed++;
    return !this.pauseOnComplete;
  }
}

/** Runs bytes through a fresh parser in reads of `step` bytes (0: all at once). */
function run(c: LlhttpCase, isRequest: boolean, bytes: Buffer, step: number): Outcome {
  const r = new Recorder();
  r.pauseOnHead = c.pause === 'on_headers_complete';
  r.pauseOnComplete = c.pause === 'on_message_complete';
  const p = new Http1Parser(isRequest, r, LIMITS);
  if (c.skipBody) p.expectNoBody = true;
  let error: ParseError | undefined;
  let finished: boolean | undefined;
  try {
    const n = step === 0 ? bytes.length : step;
    for (let off = 0; off < bytes.length; off += n) {
      p.execute(bytes.subarray(off, off + n));
      // Paused like llhttp's callback asked: resume at once, as its test runner does.
      for (let i = 0; i < 8 && (r.pauseOnHead || r.pauseOnComplete); i++) p.resume();
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    error = err;
  }
  // llhttp's runner calls llhttp_finish() only for *-finish cases, and does not log the message
  // it may complete; finish() here is asked in any case, its completion counted only for those.
  const completed = r.completed;
  if (error === undefined) finished = p.finish();
  const counted = c.type.endsWith('-finish') ? r.completed : completed;
  return { error, completed: counted, upgraded: r.upgraded, finished, bodyBytes: r.bodyBytes };
}

/** The outcome as one comparable line (the error's status and code; its wording may differ). */
function describeOutcome(o: Outcome): string {
  const what = o.error ? `${o.error.status} ${o.error.code}` : 'no error';
  return `${what}, ${o.completed} message(s), upgraded=${o.upgraded}, finish=${o.finished}`;
}

/** Adds `Host: h` after every HTTP/1.1 request line whose head has no Host field. */
function withHost(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  let out = '';
  let from = 0;
  for (const m of text.matchAll(/(?:^|\r\n)[!-~]+ [!-~]+ HTTP\/1\.1\r\n/g)) {
    const lineEnd = m.index + m[0].length;
    const headEnd = text.indexOf('\r\n\r\n', lineEnd - 2);
    const head = text.slice(lineEnd, headEnd < 0 ? text.length : headEnd).toLowerCase();
    if (head.startsWith('host:') || head.includes('\r\nhost:')) continue;
    out += `${text.slice(from, lineEnd)}Host: h\r\n`;
    from = lineEnd;
  }
  return Buffer.from(out + text.slice(from), 'latin1');
}

function isMissingHost(o: Outcome): boolean {
  return o.error?.code === 'TANDEM_ERR_HTTP1_HOST' && /missing/.test(o.error.message);
}

/** Whole and byte by byte must agree (a parser's answer may not depend on how reads fall). */
function runBothWays(c: LlhttpCase, isRequest: boolean, bytes: Buffer): Outcome {
  const whole = run(c, isRequest, bytes, 0);
  const bytewise = run(c, isRequest, bytes, 1);
  assert.equal(describeOutcome(bytewise), describeOutcome(whole), 'byte-by-byte differs from one read');
  assert.equal(bytewise.bodyBytes, whole.bodyBytes, 'body bytes differ byte-by-byte');
  return whole;
}

function checkError(c: LlhttpCase, isRequest: boolean, key: string): void {
  const o = runBothWays(c, isRequest, c.bytes);
  if (key in ACCEPTED) return;
  assert.ok(
    o.completed <= c.completedBeforeError,
    `${o.completed} message(s) completed, llhttp completed ${c.completedBeforeError} before its error`,
  );
  if (o.error !== undefined) return;
  // LINE AT A TIME: the input stops inside a head we have not judged yet.
  assert.equal(o.finished, false, `accepted: llhttp says "${c.errorReason}"; ours: ${describeOutcome(o)}`);
  const completedHead = Buffer.concat([c.bytes, Buffer.from('\r\n\r\n')]);
  const done = run(c, isRequest, completedHead, 0);
  assert.ok(done.error, `llhttp says "${c.errorReason}"; completing the head did not make us reject it`);
}

function checkAccepted(c: LlhttpCase, isRequest: boolean, key: string): void {
  let o = runBothWays(c, isRequest, c.bytes);
  if (key in STRICTER) {
    assert.ok(o.error, `listed as rejected on purpose but accepted: ${STRICTER[key]}`);
    return;
  }
  if (isRequest && isMissingHost(o)) {
    assert.equal(o.error!.status, 400);
    o = runBothWays(c, isRequest, withHost(c.bytes));
  }
  assert.equal(o.error, undefined, `llhttp accepts this in strict mode; ours: ${describeOutcome(o)}`);
  const extra = c.finish === 1 ? 1 : 0; // llhttp_finish() completes a close-delimited body unlogged.
  assert.equal(o.completed, c.completedBeforeError + extra, `messages completed: ${describeOutcome(o)}`);
  if (c.finish !== undefined) assert.equal(o.finished, c.finish !== 2, 'finish()');
  if (c.outcome === 'upgrade') assert.ok(o.upgraded, 'llhttp paused for an upgrade; ours did not report one');
  else assert.equal(o.upgraded, false, 'reported an upgrade llhttp did not see');
}

for (const kind of ['request', 'response'] as const) {
  const isRequest = kind === 'request';
  const cases = loadLlhttpCases(kind);

  describe(`llhttp ${kind} cases through Http1Parser`, () => {
    it('finds the cases, and every listed exception names a real case', () => {
      assert.ok(cases.length > (isRequest ? 150 : 80), `only ${cases.length} cases`);
      const keys = new Set(cases.map((c) => `${kind}/${c.file}: ${c.title}`));
      for (const key of [...Object.keys(STRICTER), ...Object.keys(ACCEPTED)]) {
        if (key.startsWith(`${kind}/`)) assert.ok(keys.has(key), `no case ${key}`);
      }
    });

    for (const c of cases) {
      const key = `${kind}/${c.file}: ${c.title}`;
      const strict = c.type === kind || c.type === `${kind}-finish`;
      if (c.outcome === 'error') {
        it(`rejects ${key} (llhttp: ${c.errorReason})`, () => checkError(c, isRequest, key));
      } else if (c.outcome === 'h2-preface') {
        it(`${key}: the HTTP/2 preface is not an HTTP/1 upgrade here`, () => {
          // Codec AUTO sniffs the preface before any HTTP/1 parsing; to this parser it is a
          // request line like another (and the connection rejects asterisk-form for PRI).
          const o = runBothWays(c, isRequest, withHost(c.bytes));
          assert.equal(o.upgraded, false);
        });
      } else if (c.skipBody && isRequest) {
        it(`${key}: skipBody has no meaning for a request`, () => {
          // llhttp's user told it to skip the body of a request with Content-Length: 123. A
          // server cannot skip a request body: here the next "head" is 123 bytes of body, so one
          // message stays open and nothing after it is taken for a request.
          const o = runBothWays(c, isRequest, withHost(c.bytes));
          assert.equal(describeOutcome(o), 'no error, 0 message(s), upgraded=false, finish=false');
        });
      } else if (strict) {
        it(`accepts ${key}`, () => checkAccepted(c, isRequest, key));
      }
    }
  });
}

describe('withHost (test helper)', () => {
  it('adds Host to each HTTP/1.1 head without one, and leaves others alone', () => {
    const two = Buffer.from(
      'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.0\r\n\r\n',
    );
    assert.equal(
      withHost(two).toString('latin1'),
      'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.0\r\n\r\n',
    );
  });
});
