import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderMap } from '../http/header-map.ts';
import {
  extractTraceContext,
  FORMAT_B3_MULTI,
  FORMAT_B3_SINGLE,
  FORMAT_W3C,
  injectTraceContext,
} from './trace-context.ts';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('trace context', () => {
  it('reads W3C traceparent and tracestate', () => {
    const ctx = extractTraceContext(new HeaderMap(['traceparent', `00-${T}-${S}-01`, 'tracestate', 'a=b']));
    assert.deepEqual(ctx, {
      traceId: T,
      spanId: S,
      sampled: true,
      tracestate: 'a=b',
      format: FORMAT_W3C,
      traceIdLength: 32,
    });
    assert.equal(extractTraceContext(new HeaderMap(['traceparent', `00-${T}-${S}-00`]))?.sampled, false);
    assert.equal(
      extractTraceContext(new HeaderMap(['traceparent', `00-${'0'.repeat(32)}-${S}-01`])),
      undefined,
    );
  });

  it('reads B3 single and multi headers, 64- and 128-bit', () => {
    const single = extractTraceContext(new HeaderMap(['b3', `a3ce929d0e0e4736-${S}-1`]))!;
    assert.equal(single.traceId, `0000000000000000a3ce929d0e0e4736`);
    assert.equal(single.traceIdLength, 16);
    assert.equal(single.format, FORMAT_B3_SINGLE);
    assert.equal(single.sampled, true);
    assert.equal(extractTraceContext(new HeaderMap(['b3', '0']))?.sampled, false);
    const multi = extractTraceContext(
      new HeaderMap(['x-b3-traceid', T, 'x-b3-spanid', S, 'x-b3-sampled', '0']),
    )!;
    assert.deepEqual(
      [multi.traceId, multi.spanId, multi.sampled, multi.format],
      [T, S, false, FORMAT_B3_MULTI],
    );
    assert.equal(extractTraceContext(new HeaderMap(['x-b3-flags', '1']))?.sampled, true);
  });

  it('writes the requested formats', () => {
    const h = new HeaderMap();
    injectTraceContext(h, FORMAT_W3C | FORMAT_B3_MULTI | FORMAT_B3_SINGLE, T, 'bbbbbbbbbbbbbbbb', S, '', 32);
    assert.equal(h.get('traceparent'), `00-${T}-bbbbbbbbbbbbbbbb-01`);
    assert.equal(h.get('x-b3-traceid'), T);
    assert.equal(h.get('x-b3-parentspanid'), S);
    assert.equal(h.get('b3'), `${T}-bbbbbbbbbbbbbbbb-1-${S}`);
  });
});
