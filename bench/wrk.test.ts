import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWrkOutput } from './wrk.ts';

const SAMPLE = `Running 2s test @ http://127.0.0.1:18080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    96.86us   60.71us   2.55ms   97.21%
    Req/Sec   219.02k    14.35k  231.64k    85.71%
  Latency Distribution
     50%   96.00us
     75%  122.00us
     90%  131.00us
     99%    1.84ms
  456658 requests in 2.10s, 69.68MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec: 217354.34
Transfer/sec:     33.17MB
`;

describe('parseWrkOutput', () => {
  it('reads totals, rate, percentiles in µs, and errors', () => {
    const result = parseWrkOutput(SAMPLE);
    assert.equal(result.requests, 456_658);
    assert.equal(result.elapsedSec, 2.1);
    assert.equal(result.requestsPerSec, 217_354.34);
    assert.deepEqual(result.latencyUs, { p50: 96, p75: 122, p90: 131, p99: 1_840 });
    assert.equal(result.errors, 6);
  });

  it('names the missing line when the output is not wrk report', () => {
    assert.throws(
      () => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'),
      /N requests in T/,
    );
  });
});
