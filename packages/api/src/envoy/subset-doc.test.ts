import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderSubsetDocument } from './subset-doc.ts';

const COMMITTED = new URL('../../../../docs/bootstrap-subset.md', import.meta.url);

describe('docs/bootstrap-subset.md', () => {
  const generated = renderSubsetDocument();

  it('matches the schema (run `npm run docs:bootstrap` after changing the schema)', () => {
    assert.equal(readFileSync(COMMITTED, 'utf8'), generated);
  });

  it('lists each field with its status and default', () => {
    assert.match(generated, /^\| `timeout` \| Duration \| supported \| `15s` \| 0s disables \|$/m);
    assert.match(
      generated,
      /^\| `respect_dns_ttl` \| {2}\| not supported yet \| {2}\| DNS refresh follows dns_refresh_rate; TTLs are not read yet \|$/m,
    );
    assert.match(
      generated,
      /^\| `stats_config` \| {2}\| ignored \(warning\) \| {2}\| Tandem's statistics are not configurable \|$/m,
    );
    assert.match(
      generated,
      /^\| `max_request_headers_kb` \| UInt32Value \(1\.\.8192\) \| supported \| `60` \| {2}\|$/m,
    );
  });

  it('reaches nested messages through typed_config', () => {
    assert.match(
      generated,
      /`envoy\.config\.route\.v3\.RouteAction` at `static_resources\.listeners\[\]\.filter_chains\[\]\.filters\[\]\.typed_config\(HttpConnectionManager\)\.route_config\.virtual_hosts\[\]\.routes\[\]\.route`/,
    );
  });
});
