/**
 * The signing part of the CA (Istio's "pki"): turns a verified CSR into a workload certificate for an
 * identity that the caller's authentication established. The CSR contributes only its public key: the SAN is
 * the SPIFFE ID of the authenticated identity, and a CSR that asks for any other name is refused. Leaves are
 * X.509 v3 with an empty subject and a critical SAN (as Istio issues them), key usages digitalSignature and
 * keyEncipherment, extended key usages serverAuth and clientAuth, and a random 128-bit serial.
 */
import type { webcrypto } from 'node:crypto';
import { randomBytes, X509Certificate } from 'node:crypto';
import { CaError, CaErrorCode } from './ca-error.ts';
import type { CaMaterial } from './ca-material.ts';
import { algorithmParams } from './key-algorithm.ts';
import { Semaphore } from './semaphore.ts';
import { spiffeId, type WorkloadIdentity } from './spiffe.ts';
import { x509 } from './x509-provider.ts';

export const DEFAULT_WORKLOAD_TTL_MS = 24 * 3600 * 1000;
const MAX_WORKLOAD_TTL_MS = 90 * 24 * 3600 * 1000;
/**
 * Leaves start a little before now (a minute, or a tenth of a short lifetime), so a peer whose clock is a
 * little behind accepts them.
 */
const BACKDATE_MS = 60_000;
const SAN_OID = '2.5.29.17';

export interface CertificateAuthorityOptions {
  readonly trustDomain: string;
  /** TTL when the caller asks for none; default 24 h. */
  readonly defaultTtlMs?: number;
  /** The longest TTL granted; default 90 days. */
  readonly maxTtlMs?: number;
  readonly nowMs?: () => number;
}

export interface IssuedCertificate {
  /** Leaf first, then the intermediates, then the root the chain leads to. */
  readonly chainPem: readonly string[];
  readonly serialNumber: string;
  readonly spiffeId: string;
  readonly notAfterMs: number;
}

export class CertificateAuthority {
  readonly trustDomain: string;
  private materialRef: CaMaterial;
  private readonly options: CertificateAuthorityOptions;
  private issuedCount = 0;
  /**
   * Signatures in progress at once. Each one yields to the event loop at every WebCrypto step; bounding them
   * keeps a burst of CSRs (thousands of workloads starting) from stalling xDS serving in between.
   */
  private readonly slots = new Semaphore(2);
  /** What every signature with the current material reuses (parsed once per material). */
  private signer: Promise<Signer> | undefined;
  private signerMaterial: CaMaterial | undefined;

  constructor(material: CaMaterial, options: CertificateAuthorityOptions) {
    this.materialRef = material;
    this.trustDomain = options.trustDomain;
    this.options = options;
  }

  /** The trusted roots workloads get as their trust bundle. */
  get rootsPem(): readonly string[] {
    return this.materialRef.rootsPem;
  }

  get material(): CaMaterial {
    return this.materialRef;
  }

  /** Certificates issued since start. */
  get issued(): number {
    return this.issuedCount;
  }

  /** Replaces the signing material (root rotation, a new intermediate); later signatures use it. */
  setMaterial(material: CaMaterial): void {
    this.materialRef = material;
  }

  /**
   * Signs a workload certificate for `identity`. `requestedTtlMs` 0 means the default TTL; it is capped at
   * the maximum and at the signing certificate's own expiry.
   *
   * @throws {CaError} `TANDEM_ERR_CA_BAD_CSR` (does not parse, bad signature, unsupported key) or
   * `TANDEM_ERR_CA_FOREIGN_IDENTITY` (the CSR names another identity).
   */
  private signerFor(material: CaMaterial): Promise<Signer> {
    if (this.signer === undefined || this.signerMaterial !== material) {
      this.signerMaterial = material;
      this.signer = buildSigner(material);
    }
    return this.signer;
  }

  async sign(csrPem: string, identity: WorkloadIdentity, requestedTtlMs = 0): Promise<IssuedCertificate> {
    await this.slots.acquire();
    try {
      return await this.signNow(csrPem, identity, requestedTtlMs);
    } finally {
      this.slots.release();
    }
  }

  /**
   * A server certificate for DNS names, for the control plane itself (its webhook behind a Kubernetes
   * Service): no caller to authenticate, so it is not reachable from the CA service. Same signer and
   * chain as workload certificates; extended key usage serverAuth only.
   */
  async issueServing(
    publicKey: webcrypto.CryptoKey,
    dnsNames: readonly string[],
    ttlMs: number,
  ): Promise<ServingIssue> {
    if (dnsNames.length === 0)
      throw new CaError(CaErrorCode.badCsr, 'a serving certificate needs a DNS name');
    const material = this.materialRef;
    const signer = await this.signerFor(material);
    const now = (this.options.nowMs ?? Date.now)();
    const ttl = Math.min(ttlMs, this.options.maxTtlMs ?? MAX_WORKLOAD_TTL_MS, signer.notAfterMs - now);
    const serialNumber = randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '7');
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: `CN=${dnsNames[0]}`,
      issuer: signer.subject,
      notBefore: new Date(now - Math.min(BACKDATE_MS, ttl / 10)),
      notAfter: new Date(now + ttl),
      publicKey,
      signingKey: material.signingKey,
      signingAlgorithm: algorithmParams(material.keyAlgorithm),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
        signer.authorityKeyId,
      ],
    });
    this.issuedCount++;
    return {
      chainPem: [`${leaf.toString('pem')}\n`, ...material.chainPem, signer.rootPem],
      serialNumber,
      notAfterMs: now + ttl,
    };
  }

  private async signNow(
    csrPem: string,
    identity: WorkloadIdentity,
    requestedTtlMs: number,
  ): Promise<IssuedCertificate> {
    const material = this.materialRef;
    const id = spiffeId(this.trustDomain, identity);
    const csr = await parseCsr(csrPem);
    checkRequestedNames(csr, id);
    checkPublicKey(csr);
    const now = (this.options.nowMs ?? Date.now)();
    const signer = await this.signerFor(material);
    const ttl = Math.min(
      requestedTtlMs > 0 ? requestedTtlMs : (this.options.defaultTtlMs ?? DEFAULT_WORKLOAD_TTL_MS),
      this.options.maxTtlMs ?? MAX_WORKLOAD_TTL_MS,
      signer.notAfterMs - now,
    );
    const serialNumber = randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '7');
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: '',
      issuer: signer.subject,
      notBefore: new Date(now - Math.min(BACKDATE_MS, ttl / 10)),
      notAfter: new Date(now + ttl),
      publicKey: csr.publicKey,
      signingKey: material.signingKey,
      signingAlgorithm: algorithmParams(material.keyAlgorithm),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: id }], true),
        signer.authorityKeyId,
      ],
    });
    this.issuedCount++;
    return {
      chainPem: [`${leaf.toString('pem')}\n`, ...material.chainPem, signer.rootPem],
      serialNumber,
      spiffeId: id,
      notAfterMs: now + ttl,
    };
  }
}

/** A serving certificate for the control plane's own HTTPS endpoints (the injection webhook). */
export interface ServingIssue {
  readonly chainPem: readonly string[];
  readonly serialNumber: string;
  readonly notAfterMs: number;
}

interface Signer {
  readonly subject: string;
  readonly notAfterMs: number;
  readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension;
  readonly rootPem: string;
}

async function buildSigner(material: CaMaterial): Promise<Signer> {
  const issuer = new x509.X509Certificate(material.signingCertPem);
  const signingCert = new X509Certificate(material.signingCertPem);
  return {
    subject: issuer.subject,
    notAfterMs: Date.parse(signingCert.validTo),
    authorityKeyId: await x509.AuthorityKeyIdentifierExtension.create(issuer, false),
    rootPem: rootOf(material, signingCert),
  };
}

async function parseCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new CaError(CaErrorCode.badCsr, `the CSR does not parse: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!(await csr.verify())) throw new CaError(CaErrorCode.badCsr, 'the CSR signature does not verify');
  return csr;
}

/** Every name the CSR asks for must be the caller's own SPIFFE ID. */
function checkRequestedNames(csr: x509.Pkcs10CertificateRequest, id: string): void {
  const san = csr.getExtension(SAN_OID) as x509.SubjectAlternativeNameExtension | null;
  const asked = san?.names.toJSON().map((n) => `${n.type === 'url' ? 'URI' : n.type}:${n.value}`) ?? [];
  const foreign = asked.filter((n) => n !== `URI:${id}`);
  if (foreign.length > 0) {
    throw new CaError(
      CaErrorCode.foreignIdentity,
      `the CSR asks for ${foreign.join(', ')}, but the caller is authenticated as ${id}`,
    );
  }
}

function checkPublicKey(csr: x509.Pkcs10CertificateRequest): void {
  const alg = csr.publicKey.algorithm as webcrypto.RsaHashedKeyAlgorithm & webcrypto.EcKeyAlgorithm;
  const ok =
    (alg.name === 'ECDSA' && alg.namedCurve === 'P-256') ||
    (alg.name === 'RSASSA-PKCS1-v1_5' && alg.modulusLength >= 2048);
  if (!ok) {
    const what = alg.namedCurve ?? (alg.modulusLength ? `${alg.modulusLength} bits` : '');
    throw new CaError(
      CaErrorCode.badCsr,
      `the CSR key (${alg.name} ${what}) is not ECDSA P-256 or RSA >= 2048`,
    );
  }
}

/** The root the signing chain leads to (the trust bundle may hold others during a rotation). */
function rootOf(material: CaMaterial, signingCert: X509Certificate): string {
  const top = material.chainPem.length > 0 ? new X509Certificate(material.chainPem.at(-1)!) : signingCert;
  return (
    material.rootsPem.find((r) => {
      const root = new X509Certificate(r);
      return root.fingerprint256 === top.fingerprint256 || top.checkIssued(root);
    }) ?? material.rootsPem[0]!
  );
}
