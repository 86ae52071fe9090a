/**
 * The key types the CA signs with and accepts in CSRs: ECDSA P-256 with SHA-256 (the default, as Istio's) and
 * RSA 2048 with SHA-256 (PKCS#1 v1.5).
 */
import type { webcrypto } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { CaError, CaErrorCode } from './ca-error.ts';
import { subtle } from './x509-provider.ts';

export type KeyAlgorithm = 'ECDSA_P256' | 'RSA_2048';

export type SigningAlgorithm = webcrypto.EcKeyGenParams & webcrypto.EcdsaParams;

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** WebCrypto parameters for generating and signing with a key of `alg`. */
export function algorithmParams(alg: KeyAlgorithm): webcrypto.Algorithm & Record<string, unknown> {
  return alg === 'ECDSA_P256' ? { ...ECDSA } : { ...RSA };
}

/** A new extractable key pair (the CA's root key must be persisted). */
export function generateKeyPair(alg: KeyAlgorithm): Promise<webcrypto.CryptoKeyPair> {
  return subtle.generateKey(algorithmParams(alg), true, [
    'sign',
    'verify',
  ]) as Promise<webcrypto.CryptoKeyPair>;
}

/**
 * Imports a PEM private key (PKCS#8, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`, as Istio's cacerts
 * use) as a WebCrypto signing key. Throws CaError (`TANDEM_ERR_CA_CONFIG`) naming `where`.
 */
export async function importSigningKey(
  pem: string,
  where: string,
): Promise<{ key: webcrypto.CryptoKey; alg: KeyAlgorithm }> {
  let der: Buffer;
  let alg: KeyAlgorithm;
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      alg = 'ECDSA_P256';
    else if (key.asymmetricKeyType === 'rsa') alg = 'RSA_2048';
    else
      throw new Error(
        `unsupported key type ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`,
      );
    der = key.export({ format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new CaError(CaErrorCode.config, `${where}: private key: ${(err as Error).message}`, { cause: err });
  }
  const key = await subtle.importKey('pkcs8', der, algorithmParams(alg), false, ['sign']);
  return { key, alg };
}

/** The PKCS#8 PEM of an extractable private key. */
export async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}
