/** A new self-signed root CA: 10 years by default, ECDSA P-256 (or RSA 2048). */
import type { webcrypto } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { CaMaterial } from './ca-material.ts';
import { algorithmParams, generateKeyPair, type KeyAlgorithm } from './key-algorithm.ts';
import { x509 } from './x509-provider.ts';

export interface SelfSignedRootOptions {
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Default 10 years. */
  readonly ttlMs?: number;
  /** Organization in the subject; default the trust domain. */
  readonly organization: string;
  readonly nowMs?: number;
}

export const ROOT_TTL_MS = 10 * 365 * 24 * 3600 * 1000;

/** Generates a root key and certificate; the key is extractable so that it can be persisted. */
export async function createSelfSignedRoot(
  options: SelfSignedRootOptions,
): Promise<CaMaterial & { readonly privateKey: webcrypto.CryptoKey }> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ECDSA_P256';
  const keys = await generateKeyPair(keyAlgorithm);
  const now = options.nowMs ?? Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '7'),
    name: [{ O: [options.organization] }, { CN: ['Tandem Root CA'] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (options.ttlMs ?? ROOT_TTL_MS)),
    keys,
    signingAlgorithm: algorithmParams(keyAlgorithm),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pem = `${cert.toString('pem')}\n`;
  return {
    signingCertPem: pem,
    signingKey: keys.privateKey,
    privateKey: keys.privateKey,
    keyAlgorithm,
    chainPem: [],
    rootsPem: [pem],
  };
}
