import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { CertificateAuthority } from '../../../control-plane/src/ca/certificate-authority.ts';
import { createSelfSignedRoot } from '../../../control-plane/src/ca/self-signed-root.ts';
import { SecretStore } from '../tls/secret-store.ts';
import { type CertificateSource, IdentityAgent } from './identity-agent.ts';
import type { IdentityTimers } from './identity-types.ts';

/** Timers that only move when the test says so. */
class FakeTimers implements IdentityTimers {
  now = Date.now();
  pending: { at: number; fn: () => void }[] = [];
  nowMs = () => this.now;
  setTimer = (fn: () => void, ms: number) => {
    const t = { at: this.now + ms, fn };
    this.pending.push(t);
    return () => {
      this.pending = this.pending.filter((x) => x !== t);
    };
  };
  /** The delay of the only pending timer. */
  nextDelay(): number {
    assert.equal(this.pending.length, 1, `${this.pending.length} timers pending`);
    return this.pending[0]!.at - this.now;
  }
  fire(): void {
    const t = this.pending.shift()!;
    this.now = t.at;
    t.fn();
  }
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check());
};

describe('IdentityAgent (renewal logic on injected timers)', () => {
  let ca: CertificateAuthority;
  before(async () => {
    ca = new CertificateAuthority(await createSelfSignedRoot({ organization: 'cluster.local' }), {
      trustDomain: 'cluster.local',
    });
  });

  const options = (timers: FakeTimers) => ({
    caAddress: 'unused',
    token: () => 'token',
    trustDomain: 'cluster.local',
    namespace: 'default',
    serviceAccount: 'web',
    ttlMs: 3_600_000,
    timers,
    random: () => 0.5,
  });

  it('installs the certificate as the local secret "default" and renews at half its lifetime, with a fresh key', async () => {
    const timers = new FakeTimers();
    const store = new SecretStore();
    const csrs: string[] = [];
    const source: CertificateSource = async (csr, ttlMs) => {
      csrs.push(csr);
      return [...(await ca.sign(csr, { namespace: 'default', serviceAccount: 'web' }, ttlMs)).chainPem];
    };
    const agent = new IdentityAgent(store, options(timers), source, () => {});
    agent.start();
    await waitFor(() => agent.issued === 1);
    const first = store.get('default')!;
    assert.equal(first.origin, 'local');
    assert.ok(store.isLocal('default'));
    // One hour lifetime, backdated by a tenth of it (6 min, capped at 1 min): renew 50 % in from notBefore.
    const state = agent.state()!;
    const lifetime = Date.parse(state.notAfter) - Date.parse(state.notBefore);
    const expected = Date.parse(state.notBefore) + lifetime / 2 - timers.now;
    assert.ok(Math.abs(timers.nextDelay() - expected) < 1000, `${timers.nextDelay()} vs ${expected}`);
    assert.equal(state.subjectAltNames, 'URI:spiffe://cluster.local/ns/default/sa/web');
    timers.fire();
    await waitFor(() => agent.issued === 2);
    const second = store.get('default')!;
    assert.notEqual(second.version, first.version);
    assert.notEqual(csrs[0], csrs[1], 'a new key (and CSR) for every certificate');
    assert.equal(agent.state()!.renewals, 1);
    const chain =
      second.secret.kind === 'tlsCertificate' ? second.secret.tlsCertificate.certificateChain : undefined;
    const pem = chain?.kind === 'inlineString' ? chain.value : '';
    const presented = pem.match(/BEGIN CERTIFICATE/g) ?? [];
    assert.equal(presented.length, 1, 'the self-signed root is not presented');
    assert.equal(new X509Certificate(pem).serialNumber, second.version);
    agent.stop();
  });

  it('retries a failed request with backoff, keeping the current certificate meanwhile', async () => {
    const timers = new FakeTimers();
    const store = new SecretStore();
    let calls = 0;
    const source: CertificateSource = async (csr) => {
      calls++;
      if (calls <= 2) throw new Error('CA unavailable');
      return [...(await ca.sign(csr, { namespace: 'default', serviceAccount: 'web' })).chainPem];
    };
    const agent = new IdentityAgent(store, options(timers), source, () => {});
    agent.start();
    await waitFor(() => timers.pending.length === 1);
    assert.equal(timers.nextDelay(), 500);
    timers.fire();
    await waitFor(() => calls === 2 && timers.pending.length === 1);
    assert.equal(timers.nextDelay(), 1000);
    assert.equal(store.get('default'), undefined);
    timers.fire();
    await waitFor(() => agent.issued === 1);
    assert.ok(store.get('default') !== undefined);
    agent.stop();
    assert.equal(timers.pending.length, 0);
  });
});
