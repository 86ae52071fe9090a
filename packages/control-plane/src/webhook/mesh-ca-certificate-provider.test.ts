import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CertificateAuthority } from '../ca/certificate-authority.ts';
import { loadOrCreateCa } from '../ca/load-ca-dir.ts';
import { HandoverCertificateProvider, type ServingCertificate } from './certificate-provider.ts';
import { MeshCaCertificateProvider } from './mesh-ca-certificate-provider.ts';
import { SelfSignedCertificateProvider } from './self-signed-certificate-provider.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-webhook-ca-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function meshCa(): Promise<CertificateAuthority> {
  const { material } = await loadOrCreateCa(dir, { organization: 'cluster.local' });
  return new CertificateAuthority(material, { trustDomain: 'cluster.local' });
}

const DNS = ['tandem-control-plane.tandem-system.svc', 'localhost'];

describe('the webhook certificate from the mesh CA', () => {
  it('is a server certificate for the Service names, chained to the mesh root, which is the caBundle', async () => {
    const ca = await meshCa();
    const provider = await MeshCaCertificateProvider.create(ca, { dnsNames: DNS });
    try {
      const cert = provider.current();
      const leaf = new X509Certificate(cert.certChainPem);
      assert.equal(leaf.subjectAltName, 'DNS:tandem-control-plane.tandem-system.svc, DNS:localhost');
      assert.equal(cert.caBundlePem, ca.rootsPem.join(''));
      assert.ok(leaf.verify(new X509Certificate(cert.caBundlePem).publicKey), 'signed by the mesh root');
      assert.ok(
        leaf.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(cert.keyPem))),
      );
      assert.match(leaf.toLegacyObject().ext_key_usage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/);
      assert.doesNotMatch(leaf.toLegacyObject().ext_key_usage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.2/);
      const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
      assert.ok(days > 29 && days < 31, `30-day lifetime, got ${days}`);
    } finally {
      provider.close();
    }
  });

  it('renews on demand (roots changed) with a new key, and tells its listeners', async () => {
    const provider = await MeshCaCertificateProvider.create(await meshCa(), { dnsNames: DNS });
    try {
      const seen: ServingCertificate[] = [];
      provider.onChange((c) => seen.push(c));
      const before = provider.current();
      await provider.renew();
      assert.equal(seen.length, 1);
      assert.notEqual(seen[0]!.keyPem, before.keyPem);
      assert.equal(provider.current(), seen[0]);
    } finally {
      provider.close();
    }
  });

  it('refuses a serving certificate without a DNS name', async () => {
    const ca = await meshCa();
    await assert.rejects(
      MeshCaCertificateProvider.create(ca, { dnsNames: [] }),
      /a serving certificate needs a DNS name/,
    );
  });

  it('hands over from the self-signed certificate to the mesh CA, and follows the new source', async () => {
    const selfSigned = await SelfSignedCertificateProvider.create({ dnsNames: DNS });
    const handover = new HandoverCertificateProvider(selfSigned);
    const seen: ServingCertificate[] = [];
    handover.onChange((c) => seen.push(c));
    assert.equal(handover.current(), selfSigned.current());
    const mesh = await MeshCaCertificateProvider.create(await meshCa(), { dnsNames: DNS });
    try {
      handover.handOver(mesh);
      assert.equal(handover.current(), mesh.current());
      await mesh.renew();
      assert.equal(seen.length, 2, 'the handover, then the renewal');
      assert.equal(handover.current(), mesh.current());
    } finally {
      mesh.close();
    }
  });
});
