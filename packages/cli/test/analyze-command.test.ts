/**
 * `tandem analyze` as a user runs it (the real CLI, testdata read in place): the bookinfo networking configs
 * pass with a registry of the bookinfo services; Istio's invalid corpus fails with one message per problem;
 * unsupported kinds are notices; usage errors exit 2.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../proxy/test/helpers/exec.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'packages/cli/bin/tandem.js');
const ISTIO = path.resolve(ROOT, '../shared/testdata/istio');
const BOOKINFO = path.join(ISTIO, 'samples/bookinfo');
const CRDS = path.join(ISTIO, 'validation/crds');

const analyze = (...args: string[]) => run(process.execPath, [BIN, 'analyze', ...args], { timeoutMs: 30000 });
const lines = (out: string, code: string) => out.split('\n').filter((l) => l.endsWith(`[${code}]`));

describe('tandem analyze', () => {
  it('passes the bookinfo networking configs with a registry of the bookinfo services', async () => {
    const r = await analyze(
      path.join(BOOKINFO, 'networking'),
      '--registry',
      path.join(BOOKINFO, 'platform/kube/bookinfo.yaml'),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(lines(r.stdout, 'TANDEM_ERR_ISTIO_UNKNOWN_HOST'), []);
    assert.match(
      r.stdout,
      /^OK: 21 files, \d+ valid objects, 6 workloads: 0 errors, \d+ warnings, 0 not supported$/m,
    );
    // Gateways are supported now; their VirtualServices find them (no unknown-gateway warning).
    assert.deepEqual(lines(r.stdout, 'TANDEM_WARN_ISTIO_UNSUPPORTED_KIND'), []);
    assert.deepEqual(lines(r.stdout, 'TANDEM_WARN_ISTIO_UNKNOWN_GATEWAY'), []);
  });

  it('fails the same configs without the registry: the hosts are unknown', async () => {
    const r = await analyze(
      path.join(BOOKINFO, 'networking/virtual-service-all-v1.yaml'),
      path.join(BOOKINFO, 'networking/destination-rule-all.yaml'),
    );
    assert.equal(r.code, 1);
    const unknown = lines(r.stdout, 'TANDEM_ERR_ISTIO_UNKNOWN_HOST');
    assert.equal(unknown.length, 4);
    assert.match(
      unknown[0]!,
      /virtual-service-all-v1\.yaml: VirtualService default\/productpage: spec\.http\[0\]\.route\[0\]\.destination\.host: host "productpage" \(productpage\.default\.svc\.cluster\.local\) is not a known service/,
    );
  });

  it('fails the invalid corpus with exit 1, naming file, object and field', async () => {
    for (const file of [
      'destinationrule-invalid.yaml',
      'peerauth-invalid.yaml',
      'workloadentry-invalid.yaml',
      'wasm-invalid.yaml',
    ]) {
      const r = await analyze(path.join(CRDS, file));
      assert.equal(r.code, 1, `${file}\n${r.stdout}`);
      assert.match(r.stdout, /^FAILED: 1 file, /m);
      assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m, 'no stack trace');
    }
    const r = await analyze(path.join(CRDS, 'destinationrule-invalid.yaml'));
    assert.match(
      r.stdout,
      /destinationrule-invalid\.yaml: DestinationRule default\/bookinfo-ratings: spec\.trafficPolicy\.loadBalancer\.warmup\.minimumPercent: must be between 0 and 100 \(a percentage\), got 150 \[TANDEM_ERR_CONFIG_RANGE\]/,
    );
  });

  it('reports unsupported kinds as notices and exits 0 when they are valid', async () => {
    const r = await analyze(path.join(CRDS, 'telemetry-valid.yaml'), path.join(CRDS, 'wasm-valid.yaml'));
    assert.equal(r.code, 0, r.stdout);
    assert.equal(lines(r.stdout, 'TANDEM_WARN_ISTIO_UNSUPPORTED_KIND').length, 4);
    // Telemetry is supported: the fields Tandem does not apply are reported, never dropped silently.
    assert.equal(lines(r.stdout, 'TANDEM_WARN_ISTIO_UNSUPPORTED_FIELD').length, 8);
    assert.match(r.stdout, /Telemetry default\/tag-upsert: spec\.metrics: not supported by Tandem yet/);
    assert.match(r.stdout, /0 errors, 8 warnings, 4 not supported$/m);
  });

  it('prints JSON with -o json', async () => {
    const r = await analyze('-o', 'json', path.join(CRDS, 'peerauth-invalid.yaml'));
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as {
      summary: { errors: number };
      issues: { severity: string; kind: string; path: string }[];
    };
    assert.equal(report.summary.errors, 6);
    assert.deepEqual(report.issues[0], {
      ...report.issues[0],
      severity: 'error',
      kind: 'PeerAuthentication',
      path: 'spec.mtls.mode',
    });
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await analyze()).code, 2);
    const missing = await analyze('/nonexistent/config');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \/nonexistent\/config: ENOENT/);
    assert.equal((await analyze('-o', 'xml', CRDS)).code, 2);
    assert.equal((await analyze('--no-such-flag', CRDS)).code, 2);
  });
});
