import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { memoryOf } from './child-process-io.ts';

describe('memoryOf', () => {
  it('reads RSS and PSS of a live process from /proc (PSS counts shared pages in part)', (t) => {
    if (!existsSync('/proc/self/smaps_rollup')) return t.skip('needs Linux /proc with smaps_rollup');
    const m = memoryOf(process.pid);
    assert.ok(m !== undefined);
    assert.ok(m.rss > 10 * 1024 * 1024, `a node process has more than 10 MB resident, got ${m.rss}`);
    assert.ok(m.pss !== undefined && m.pss > 0 && m.pss <= m.rss, JSON.stringify(m));
  });

  it('is undefined for a process that does not exist, and without a pid', () => {
    assert.equal(memoryOf(undefined), undefined);
    assert.equal(memoryOf(2 ** 22 + 12345), undefined);
  });
});
