import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { buildCertificateRequest, toPem } from './certificate-request.ts';
import { objectIdentifier, octetString } from './der.ts';

x509.cryptoProvider.set(webcrypto as never);

const SPIFFE_ID = 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews';

function request(): { pem: string; publicKeyDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pem: toPem('CERTIFICATE REQUEST', buildCertificateRequest(SPIFFE_ID, privateKey, publicKey)),
    publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }),
  };
}

describe('buildCertificateRequest', () => {
  it('is a self-signed PKCS#10 request for the SPIFFE ID that @peculiar/x509 parses and verifies', async () => {
    const { pem, publicKeyDer } = request();
    const csr = new x509.Pkcs10CertificateRequest(pem);
    assert.equal(await csr.verify(), true);
    assert.equal(csr.subject, '');
    assert.deepEqual(Buffer.from(csr.publicKey.rawData), publicKeyDer);
    const extension = csr.getExtension('2.5.29.17');
    assert.ok(extension, 'the request asks for a subject alternative name');
    const san = new x509.SubjectAlternativeNameExtension(extension.rawData);
    assert.deepEqual(san.names.toJSON(), [{ type: 'url', value: SPIFFE_ID }]);
    assert.deepEqual(csr.signatureAlgorithm, { name: 'ECDSA', hash: { name: 'SHA-256' } });
  });

  it('passes openssl req -verify', () => {
    const out = execFileSync('openssl', ['req', '-noout', '-verify', '-text'], {
      input: request().pem,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
    assert.match(out, new RegExp(`URI:${SPIFFE_ID}`));
    assert.match(out, /ecdsa-with-SHA256/);
  });
});

describe('der', () => {
  it('encodes object identifiers in base 128 and long lengths in DER’s long form', () => {
    assert.equal(objectIdentifier('1.2.840.113549.1.9.14').toString('hex'), '06092a864886f70d01090e');
    assert.equal(octetString(Buffer.alloc(200)).subarray(0, 3).toString('hex'), '0481c8');
    assert.equal(octetString(Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c');
  });
});
