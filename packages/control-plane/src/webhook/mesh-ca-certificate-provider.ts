/**
 * The webhook's serving certificate from the mesh CA, so the caBundle the API server trusts is the mesh
 * root (as istiod's webhook is signed by its CA). The key is made here and kept in memory; the
 * certificate is renewed at half its lifetime, and when the CA's roots change, and listeners (the
 * webhook server, the caBundle keeper) are told.
 */
import { webcrypto } from 'node:crypto';
import type { CertificateAuthority } from '../ca/certificate-authority.ts';
import type { CertificateProvider, ServingCertificate } from './certificate-provider.ts';
import { pem } from './self-signed-certificate-provider.ts';

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DEFAULT_TTL_MS = 30 * 24 * 3600 * 1000;

export interface MeshCaProviderOptions {
  dnsNames: string[];
  /** Certificate lifetime (default 30 days); renewal at half of it. */
  ttlMs?: number;
  log?: (line: string) => void;
}

export class MeshCaCertificateProvider implements CertificateProvider {
  private cert: ServingCertificate;
  private readonly listeners = new Set<(cert: ServingCertificate) => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ca: CertificateAuthority;
  private readonly options: MeshCaProviderOptions;

  private constructor(ca: CertificateAuthority, options: MeshCaProviderOptions, cert: ServingCertificate) {
    this.ca = ca;
    this.options = options;
    this.cert = cert;
  }

  static async create(
    ca: CertificateAuthority,
    options: MeshCaProviderOptions,
  ): Promise<MeshCaCertificateProvider> {
    const provider = new MeshCaCertificateProvider(ca, options, await issue(ca, options));
    provider.schedule();
    return provider;
  }

  current(): ServingCertificate {
    return this.cert;
  }

  onChange(listener: (cert: ServingCertificate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Issues a new certificate now (the roots changed) and tells the listeners. */
  async renew(): Promise<void> {
    this.cert = await issue(this.ca, this.options);
    this.schedule();
    for (const l of this.listeners) l(this.cert);
  }

  close(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const half = (this.options.ttlMs ?? DEFAULT_TTL_MS) / 2;
    this.timer = setTimeout(() => {
      this.renew().catch((err) =>
        this.options.log?.(`webhook certificate renewal failed: ${(err as Error).message}`),
      );
    }, half);
    this.timer.unref();
  }
}

async function issue(ca: CertificateAuthority, options: MeshCaProviderOptions): Promise<ServingCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issued = await ca.issueServing(keys.publicKey, options.dnsNames, options.ttlMs ?? DEFAULT_TTL_MS);
  return {
    certChainPem: issued.chainPem.slice(0, -1).join(''),
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    caBundlePem: ca.rootsPem.join(''),
  };
}
