/**
 * The CA's material from a directory in Istio's `cacerts` layout, read in place:
 * `ca-cert.pem` (the signing certificate), `ca-key.pem` (its key), `root-cert.pem` (the trusted roots, one
 * or more) and `cert-chain.pem` (signing certificate to root). When the directory has none of these, a
 * self-signed root is generated and written there in the same layout (the key with mode 0600), so a
 * restart keeps the same root.
 */

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaError, CaErrorCode } from './ca-error.ts';
import { type CaMaterial, checkCaMaterial, splitPem } from './ca-material.ts';
import { exportPrivateKeyPem, importSigningKey, type KeyAlgorithm } from './key-algorithm.ts';
import { createSelfSignedRoot } from './self-signed-root.ts';

export const CACERTS_FILES = {
  cert: 'ca-cert.pem',
  key: 'ca-key.pem',
  root: 'root-cert.pem',
  chain: 'cert-chain.pem',
} as const;

export interface LoadCaOptions {
  /** Organization of a generated root's subject. */
  readonly organization: string;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly nowMs?: number;
  /** Generate a root when the directory holds no CA (default true). */
  readonly create?: boolean;
}

export interface LoadedCa {
  readonly material: CaMaterial;
  /** `generated` on first start, `self-signed` when a generated root was read back, `plugged-in` for cacerts. */
  readonly source: 'generated' | 'self-signed' | 'plugged-in';
}

export async function loadOrCreateCa(dir: string, options: LoadCaOptions): Promise<LoadedCa> {
  const file = (name: string) => path.join(dir, name);
  const present = Object.values(CACERTS_FILES).filter((f) => existsSync(file(f)));
  if (present.length === 0) {
    if (options.create === false)
      throw new CaError(CaErrorCode.config, `${dir}: no ${CACERTS_FILES.cert} / ${CACERTS_FILES.key} found`);
    return { material: await generate(dir, options), source: 'generated' };
  }
  for (const required of [CACERTS_FILES.cert, CACERTS_FILES.key])
    if (!present.includes(required))
      throw new CaError(
        CaErrorCode.config,
        `${file(required)}: missing (the CA directory has ${present.join(', ')})`,
      );
  const material = await readMaterial(dir);
  checkCaMaterial(material, dir, options.nowMs ?? Date.now());
  const selfSigned = material.rootsPem.length === 1 && material.rootsPem[0] === material.signingCertPem;
  return { material, source: selfSigned ? 'self-signed' : 'plugged-in' };
}

async function readMaterial(dir: string): Promise<CaMaterial> {
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      throw new CaError(CaErrorCode.config, `${path.join(dir, name)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  const signing = splitPem(read(CACERTS_FILES.cert));
  if (signing.length === 0)
    throw new CaError(CaErrorCode.config, `${path.join(dir, CACERTS_FILES.cert)}: no PEM certificate`);
  const signingCertPem = signing[0]!;
  const rootFile = path.join(dir, CACERTS_FILES.root);
  const rootsPem = existsSync(rootFile)
    ? splitPem(read(CACERTS_FILES.root))
    : selfSignedRoot(signingCertPem, dir);
  const chainFile = path.join(dir, CACERTS_FILES.chain);
  const rootPrints = new Set(rootsPem.map((r) => new X509Certificate(r).fingerprint256));
  const chain = existsSync(chainFile) ? splitPem(read(CACERTS_FILES.chain)) : [signingCertPem];
  const chainPem = chain.filter((c) => !rootPrints.has(new X509Certificate(c).fingerprint256));
  const { key, alg } = await importSigningKey(read(CACERTS_FILES.key), path.join(dir, CACERTS_FILES.key));
  return { signingCertPem, signingKey: key, keyAlgorithm: alg, chainPem, rootsPem };
}

function selfSignedRoot(signingCertPem: string, dir: string): string[] {
  const cert = new X509Certificate(signingCertPem);
  if (cert.checkIssued(cert)) return [signingCertPem];
  throw new CaError(
    CaErrorCode.config,
    `${path.join(dir, CACERTS_FILES.root)}: missing, and ${CACERTS_FILES.cert} is not self-signed`,
  );
}

async function generate(dir: string, options: LoadCaOptions): Promise<CaMaterial> {
  const root = await createSelfSignedRoot({
    organization: options.organization,
    keyAlgorithm: options.keyAlgorithm,
    nowMs: options.nowMs,
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, CACERTS_FILES.key), await exportPrivateKeyPem(root.privateKey), {
    mode: 0o600,
  });
  for (const name of [CACERTS_FILES.cert, CACERTS_FILES.root, CACERTS_FILES.chain])
    writeFileSync(path.join(dir, name), root.signingCertPem);
  return { ...root, chainPem: [] };
}
