import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseFramer } from './response-framer.ts';

const LENGTH =
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\nhello world\n';
const CHUNKED =
  'HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n world\n\r\n0\r\nx-trailer: 1\r\n\r\n';
const EMPTY_BODY = 'HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n';

function feedAll(framer: ResponseFramer, pieces: string[]): number[] {
  const statuses: number[] = [];
  for (const piece of pieces) framer.feed(Buffer.from(piece, 'latin1'), (status) => statuses.push(status));
  return statuses;
}

describe('ResponseFramer', () => {
  it('frames pipelined responses of every kind arriving in one chunk', () => {
    const framer = new ResponseFramer();
    assert.deepEqual(feedAll(framer, [LENGTH + CHUNKED + EMPTY_BODY + LENGTH]), [200, 503, 204, 200]);
    assert.ok(framer.idle);
  });

  it('frames the same stream split at every byte boundary', () => {
    const stream = LENGTH + CHUNKED + EMPTY_BODY + LENGTH;
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new ResponseFramer();
      const statuses = feedAll(framer, [stream.slice(0, cut), stream.slice(cut)]);
      assert.deepEqual(statuses, [200, 503, 204, 200], `cut at ${cut}`);
      assert.ok(framer.idle, `cut at ${cut}`);
    }
  });

  it('frames a stream fed one byte at a time', () => {
    const framer = new ResponseFramer();
    assert.deepEqual(feedAll(framer, [...(LENGTH + CHUNKED)]), [200, 503]);
  });

  it('reports a partial response as not idle', () => {
    const framer = new ResponseFramer();
    assert.deepEqual(feedAll(framer, [LENGTH.slice(0, -3)]), []);
    assert.equal(framer.idle, false);
  });

  it('rejects garbage and responses framed by connection close', () => {
    assert.throws(() => feedAll(new ResponseFramer(), ['SSH-2.0-OpenSSH\r\n\r\n']), /status line/);
    assert.throws(
      () => feedAll(new ResponseFramer(), ['HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody']),
      /Content-Length/,
    );
  });
});
