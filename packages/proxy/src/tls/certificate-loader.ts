import crypto, { type KeyObject, X509Certificate } from 'node:crypto';
import type { DataSource, TlsCertificate } from '@tandem/api/envoy';
import { describeDataSource, loadDataSource, type TlsBuildOptions } from './data-source.ts';
import { TlsConfigError } from './tls-config-error.ts';

/** A certificate chain and its private key, read, parsed and checked to belong together. */
export interface LoadedCertificate {
  /** The chain as PEM, leaf first. */
  readonly chainPem: string;
  /** The private key, decrypted, as PKCS#8 PEM. */
  readonly keyPem: string;
  readonly leaf: X509Certificate;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Loads a TlsCertificate: reads its DataSources, parses the chain and the key (with the
 * password, if any) and checks the key matches the leaf. `field` is where it sits in config,
 * e.g. `common_tls_context.tls_certificates[0]`. Throws TlsConfigError.
 */
export function loadTlsCertificate(
  cert: TlsCertificate,
  field: string,
  options: TlsBuildOptions = {},
): LoadedCertificate {
  const chainField = `${field}.certificate_chain`;
  const chain = parseCertificates(cert.certificateChain, chainField, options);
  const key = parsePrivateKey(cert, `${field}.private_key`, options);
  if (!chain[0].checkPrivateKey(key)) {
    const where = `${field}.private_key (${describeDataSource(cert.privateKey)})`;
    throw new TlsConfigError(options.target, where, 'private key does not match the certificate');
  }
  return {
    chainPem: chain.map((c) => c.toString()).join(''),
    keyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    leaf: chain[0],
  };
}

/** Loads trusted CA certificates (one or more PEM blocks); returns them as one PEM bundle. */
export function loadTrustedCa(source: DataSource, field: string, options: TlsBuildOptions = {}): string {
  return parseCertificates(source, field, options)
    .map((c) => c.toString())
    .join('');
}

/** Reads and parses every PEM certificate block of a DataSource (at least one). */
export function parseCertificates(
  source: DataSource,
  field: string,
  options: TlsBuildOptions = {},
): X509Certificate[] {
  const text = loadDataSource(source, field, options).toString('latin1');
  const fail = (reason: string) =>
    new TlsConfigError(options.target, `${field} (${describeDataSource(source)})`, reason);
  const blocks = text.match(CERTIFICATE_BLOCK);
  if (!blocks) throw fail('bad PEM: no "BEGIN CERTIFICATE" block found');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw fail(`bad PEM: certificate #${i + 1} does not parse (${(err as Error).message})`);
    }
  });
}

function parsePrivateKey(cert: TlsCertificate, field: string, options: TlsBuildOptions): KeyObject {
  const pem = loadDataSource(cert.privateKey, field, options);
  const passphrase = cert.password
    ? loadDataSource(cert.password, field.replace(/private_key$/, 'password'), options).toString('utf8')
    : undefined;
  try {
    return crypto.createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (err) {
    const where = `${field} (${describeDataSource(cert.privateKey)})`;
    throw new TlsConfigError(options.target, where, describeKeyError(err, passphrase !== undefined));
  }
}

function describeKeyError(err: unknown, hasPassword: boolean): string {
  const { code, message } = err as NodeJS.ErrnoException;
  // OpenSSL 3 reports a missing passphrase as an interrupted password prompt.
  if (
    !hasPassword &&
    (code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED')
  ) {
    return 'private key is encrypted and no password is configured';
  }
  if (hasPassword && code === 'ERR_OSSL_BAD_DECRYPT') return 'wrong password for the encrypted private key';
  return `bad PEM: private key does not parse (${message})`;
}
