import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CaError } from './ca-error.ts';
import { CertificateAuthority } from './certificate-authority.ts';
import { algorithmParams, generateKeyPair } from './key-algorithm.ts';
import { loadOrCreateCa } from './load-ca-dir.ts';
import { x509 } from './x509-provider.ts';

const ISTIO_CERTS = path.resolve(import.meta.dirname, '../../../../../shared/testdata/istio/certs');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'tandem-ca-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function csrFor(san: string | undefined): Promise<string> {
  const keys = await generateKeyPair('ECDSA_P256');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: algorithmParams('ECDSA_P256'),
    extensions: san ? [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: san }])] : [],
  });
  return csr.toString('pem');
}

/** Writes root, intermediates and leaf and runs `openssl verify -CAfile root -untrusted chain leaf`. */
function opensslVerify(chain: readonly string[], dir: string): string {
  writeFileSync(path.join(dir, 'leaf.pem'), chain[0]!);
  writeFileSync(path.join(dir, 'root.pem'), chain.at(-1)!);
  const middle = chain.slice(1, -1);
  writeFileSync(path.join(dir, 'chain.pem'), middle.length > 0 ? middle.join('') : chain.at(-1)!);
  return execFileSync(
    'openssl',
    ['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', '-purpose', 'sslclient', 'leaf.pem'],
    { cwd: dir, encoding: 'utf8' },
  );
}

const foo = { namespace: 'foo', serviceAccount: 'foo-sa' };

describe('CertificateAuthority', () => {
  it('generates a 10-year ECDSA P-256 root on first start and reads the same one back', async () => {
    const dir = tempDir();
    const first = await loadOrCreateCa(dir, { organization: 'cluster.local' });
    assert.equal(first.source, 'generated');
    const root = new X509Certificate(first.material.rootsPem[0]!);
    assert.equal(root.ca, true);
    assert.equal(root.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const years = (Date.parse(root.validTo) - Date.parse(root.validFrom)) / (365 * 24 * 3600e3);
    assert.ok(years >= 10 && years < 10.01, `root lives ${years} years`);
    const again = await loadOrCreateCa(dir, { organization: 'cluster.local' });
    assert.equal(again.source, 'self-signed');
    assert.equal(again.material.rootsPem[0], first.material.rootsPem[0]);
    const mode = execFileSync('stat', ['-c', '%a', path.join(dir, 'ca-key.pem')], { encoding: 'utf8' });
    assert.equal(mode.trim(), '600');
  });

  it('issues a 24 h SPIFFE leaf that openssl verifies against the root', async () => {
    const dir = tempDir();
    const { material } = await loadOrCreateCa(path.join(dir, 'ca'), { organization: 'cluster.local' });
    const ca = new CertificateAuthority(material, { trustDomain: 'cluster.local' });
    const issued = await ca.sign(await csrFor('spiffe://cluster.local/ns/foo/sa/foo-sa'), foo);
    assert.match(opensslVerify(issued.chainPem, dir), /leaf\.pem: OK/);
    const leaf = new X509Certificate(issued.chainPem[0]!);
    assert.equal(leaf.subjectAltName, 'URI:spiffe://cluster.local/ns/foo/sa/foo-sa');
    assert.equal(leaf.ca, false);
    const hours = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600e3;
    assert.ok(hours > 24 && hours <= 24.02, `leaf lives ${hours} h`); // 24 h plus the one-minute backdate
    const text = execFileSync('openssl', ['x509', '-noout', '-text'], {
      input: issued.chainPem[0],
      encoding: 'utf8',
    });
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    assert.match(
      text,
      /X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    assert.match(
      text,
      /X509v3 Subject Alternative Name: critical\s+URI:spiffe:\/\/cluster\.local\/ns\/foo\/sa\/foo-sa/,
    );
  });

  it("signs with Istio's sample intermediate (cacerts layout): leaves chain to Istio's sample root", async () => {
    const { material, source } = await loadOrCreateCa(ISTIO_CERTS, { organization: 'x', create: false });
    assert.equal(source, 'plugged-in');
    const ca = new CertificateAuthority(material, { trustDomain: 'cluster.local', defaultTtlMs: 3600e3 });
    const issued = await ca.sign(await csrFor(undefined), foo);
    assert.equal(issued.chainPem.length, 3);
    assert.equal(issued.chainPem[2], readFileSync(path.join(ISTIO_CERTS, 'root-cert.pem'), 'utf8'));
    assert.match(opensslVerify(issued.chainPem, tempDir()), /leaf\.pem: OK/);
  });

  it('refuses a CSR for a foreign identity, and one whose signature does not verify', async () => {
    const { material } = await loadOrCreateCa(tempDir(), { organization: 'cluster.local' });
    const ca = new CertificateAuthority(material, { trustDomain: 'cluster.local' });
    await assert.rejects(
      ca.sign(await csrFor('spiffe://cluster.local/ns/foo/sa/admin'), foo),
      (err: CaError) =>
        err.code === 'TANDEM_ERR_CA_FOREIGN_IDENTITY' &&
        /asks for URI:spiffe:\/\/cluster\.local\/ns\/foo\/sa\/admin/.test(err.message),
    );
    await assert.rejects(ca.sign(await csrFor('spiffe://other.domain/ns/foo/sa/foo-sa'), foo), {
      code: 'TANDEM_ERR_CA_FOREIGN_IDENTITY',
    });
    const good = await csrFor(undefined);
    const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5]! ^= 0x01; // inside the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await assert.rejects(ca.sign(tampered, foo), { code: 'TANDEM_ERR_CA_BAD_CSR' });
    await assert.rejects(ca.sign('not a csr', foo), { code: 'TANDEM_ERR_CA_BAD_CSR' });
  });

  it('creates an RSA 2048 root when asked', async () => {
    const { material } = await loadOrCreateCa(tempDir(), {
      organization: 'cluster.local',
      keyAlgorithm: 'RSA_2048',
    });
    const root = new X509Certificate(material.rootsPem[0]!);
    assert.equal(root.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    const ca = new CertificateAuthority(material, { trustDomain: 'cluster.local' });
    const issued = await ca.sign(await csrFor(undefined), foo, 600_000);
    assert.match(opensslVerify(issued.chainPem, tempDir()), /OK/);
  });
});
