/**
 * Signing throughput: 2,000 workload certificates requested at once (as when many workloads start), with the
 * event loop's delay watched meanwhile. The numbers are printed for the record; the assertions are loose
 * bounds that only catch a CA that blocks the loop or slows down by an order of magnitude.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { CertificateAuthority } from './certificate-authority.ts';
import { algorithmParams, generateKeyPair } from './key-algorithm.ts';
import { createSelfSignedRoot } from './self-signed-root.ts';
import { x509 } from './x509-provider.ts';

const N = 2000;

describe('CA signing throughput', () => {
  it(`signs ${N} certificates requested at once without blocking the event loop`, async () => {
    const ca = new CertificateAuthority(await createSelfSignedRoot({ organization: 'cluster.local' }), {
      trustDomain: 'cluster.local',
    });
    const keys = await generateKeyPair('ECDSA_P256');
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      keys,
      signingAlgorithm: algorithmParams('ECDSA_P256'),
    });
    const pem = csr.toString('pem');
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    const issued = await Promise.all(
      Array.from({ length: N }, (_, i) => ca.sign(pem, { namespace: 'load', serviceAccount: `sa-${i}` })),
    );
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    const perSecond = Math.round(N / seconds);
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    process.stderr.write(
      `ca signing: ${perSecond} certs/s (${N} in ${seconds.toFixed(2)} s); event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms\n`,
    );
    assert.equal(new Set(issued.map((c) => c.serialNumber)).size, N);
    // Loose bounds: the test machine may be shared (a stall can be the OS, not the CA). Blocking the loop for
    // the whole batch would show as a p99 of seconds.
    assert.ok(perSecond > 20, `${perSecond} certs/s`);
    assert.ok(p99 < 250, `event loop delay p99 ${p99} ms`);
  });
});
