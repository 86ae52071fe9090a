/**
 * A certificate provider for the webhook until the mesh CA serves it: at creation, a private CA
 * (ECDSA P-256) and a serving certificate for the control plane's Service DNS names, signed by it.
 * The keys live only in memory; a restart makes new ones (and the control plane patches the new
 * caBundle into the webhook configuration).
 */
import { webcrypto } from 'node:crypto';
import { x509 } from '../ca/x509-provider.ts';
import type { CertificateProvider, ServingCertificate } from './certificate-provider.ts';

type KeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface SelfSignedOptions {
  /** DNS names the API server uses to reach the webhook (`<svc>.<ns>.svc`, ...). */
  dnsNames: string[];
  /** IP SANs (tests serve on 127.0.0.1). */
  ipAddresses?: string[];
  validityDays?: number;
  now?: Date;
}

/** DER bytes as a PEM block. */
export function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<ServingCertificate> {
  const notBefore = new Date((options.now ?? new Date()).getTime() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.validityDays ?? 365) * DAY_MS);
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=tandem-webhook-ca, O=Tandem',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const names = [
    ...options.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.dnsNames[0] ?? 'tandem-webhook'}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    certChainPem: leaf.toString('pem') + '\n',
    keyPem: pem('PRIVATE KEY', keyDer),
    caBundlePem: ca.toString('pem') + '\n',
  };
}

export class SelfSignedCertificateProvider implements CertificateProvider {
  private readonly cert: ServingCertificate;

  private constructor(cert: ServingCertificate) {
    this.cert = cert;
  }

  static async create(options: SelfSignedOptions): Promise<SelfSignedCertificateProvider> {
    return new SelfSignedCertificateProvider(await createSelfSignedCertificate(options));
  }

  current(): ServingCertificate {
    return this.cert;
  }

  onChange(): () => void {
    return () => {};
  }
}
