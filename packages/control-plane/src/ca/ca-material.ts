/**
 * What the CA signs with, and the trust bundle it hands out: the signing certificate and its key, the chain
 * from the signing certificate up to (not including) the root, and the roots workloads trust. With a
 * self-signed root the signing certificate is the root; with a plugged-in intermediate (Istio's cacerts) the
 * chain is `cert-chain.pem` and the roots are `root-cert.pem`, which may hold several roots while one is
 * rotated out (Istio's combined root file).
 */
import type { webcrypto } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { CaError, CaErrorCode } from './ca-error.ts';
import type { KeyAlgorithm } from './key-algorithm.ts';

export interface CaMaterial {
  readonly signingCertPem: string;
  readonly signingKey: webcrypto.CryptoKey;
  readonly keyAlgorithm: KeyAlgorithm;
  /** PEM certificates from the signing certificate up to the last intermediate (the root excluded). */
  readonly chainPem: readonly string[];
  /** The trusted roots (PEM, one per certificate): the trust bundle workloads get as `ROOTCA`. */
  readonly rootsPem: readonly string[];
}

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g;

/** Every PEM certificate block of a text, each ending with a newline. */
export function splitPem(text: string): string[] {
  return (text.match(BLOCK) ?? []).map((b) => (b.endsWith('\n') ? b : `${b}\n`));
}

/**
 * Checks that the material holds together: the chain starts at the signing certificate, each certificate is
 * issued by the next, the last one is issued by one of the roots, and the signing certificate may sign.
 * Throws CaError (`TANDEM_ERR_CA_CONFIG`) naming `where`.
 */
export function checkCaMaterial(m: CaMaterial, where: string, nowMs: number): void {
  const fail = (reason: string): never => {
    throw new CaError(CaErrorCode.config, `${where}: ${reason}`);
  };
  if (m.rootsPem.length === 0) fail('no root certificate');
  const parse = (pem: string, what: string) => {
    try {
      return new X509Certificate(pem);
    } catch (err) {
      return fail(`${what} does not parse: ${(err as Error).message}`);
    }
  };
  const signing = parse(m.signingCertPem, 'the signing certificate');
  if (!signing.ca) fail('the signing certificate is not a CA certificate (basicConstraints CA:FALSE)');
  if (Date.parse(signing.validTo) <= nowMs) fail(`the signing certificate expired on ${signing.validTo}`);
  const chain = m.chainPem.map((p, i) => parse(p, `certificate #${i + 1} of the chain`));
  if (chain.length > 0 && chain[0]!.fingerprint256 !== signing.fingerprint256)
    fail('cert-chain.pem does not start with the signing certificate (ca-cert.pem)');
  for (let i = 0; i + 1 < chain.length; i++)
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey))
      fail(`certificate #${i + 1} of the chain is not issued by #${i + 2}`);
  const top = chain[chain.length - 1] ?? signing;
  const roots = m.rootsPem.map((p, i) => parse(p, `root #${i + 1}`));
  const issuedByRoot = roots.some(
    (r) => r.fingerprint256 === top.fingerprint256 || (top.checkIssued(r) && top.verify(r.publicKey)),
  );
  if (!issuedByRoot) fail('the chain does not lead to any certificate of root-cert.pem');
}
