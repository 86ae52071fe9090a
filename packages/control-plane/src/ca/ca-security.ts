/**
 * The control plane's security: the CA (signing), its gRPC service and caller authentication, assembled.
 * Loads or creates the CA material in `caDir`, serves `IstioCertificateService` on the xDS server, and
 * publishes the trust bundle; `reload()` re-reads the directory (a new intermediate, or root rotation with
 * old and new roots in `root-cert.pem`) and tells the control plane to push the new bundle.
 */
import { X509Certificate } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { addCaService, type CaServiceCounters } from './ca-service.ts';
import type { CallerAuthenticator } from './caller-authenticator.ts';
import { CertificateAuthority } from './certificate-authority.ts';
import type { KeyAlgorithm } from './key-algorithm.ts';
import { loadOrCreateCa } from './load-ca-dir.ts';
import { LocalTokenAuthenticator } from './local-token-authenticator.ts';
import type { WorkloadIdentity } from './spiffe.ts';

export interface CaSecurityOptions {
  /** Where the CA material lives (Istio's cacerts layout); a root is generated there on first start. */
  readonly caDir: string;
  readonly trustDomain?: string;
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Default workload certificate lifetime (24 h). */
  readonly workloadTtlMs?: number;
  /** Extra caller authenticators (Kubernetes TokenReview); the local token one is always there. */
  readonly authenticators?: readonly CallerAuthenticator[];
  /** Where the local bootstrap token key is kept; default `caDir`. */
  readonly tokenKeyDir?: string;
}

export class CaSecurity {
  readonly trustDomain: string;
  readonly localTokens: LocalTokenAuthenticator;
  private readonly options: CaSecurityOptions;
  private readonly log: (line: string) => void;
  private authority: CertificateAuthority | undefined;
  private counters: CaServiceCounters | undefined;
  private rootsListeners: (() => void)[] = [];
  private version = 0;

  constructor(options: CaSecurityOptions, log: (line: string) => void) {
    this.options = options;
    this.log = log;
    this.trustDomain = options.trustDomain ?? 'cluster.local';
    this.localTokens = LocalTokenAuthenticator.fromDir(options.tokenKeyDir ?? options.caDir);
  }

  async start(): Promise<void> {
    const { material, source } = await loadOrCreateCa(this.options.caDir, {
      organization: this.trustDomain,
      keyAlgorithm: this.options.keyAlgorithm,
    });
    this.authority = new CertificateAuthority(material, {
      trustDomain: this.trustDomain,
      defaultTtlMs: this.options.workloadTtlMs,
    });
    this.log(`ca: ${source} CA from ${this.options.caDir}; trust domain ${this.trustDomain}`);
  }

  /** Re-reads the CA directory; a changed trust bundle is pushed to every sidecar. */
  async reload(): Promise<void> {
    const { material } = await loadOrCreateCa(this.options.caDir, {
      organization: this.trustDomain,
      create: false,
    });
    const before = this.rootsPem.join('');
    this.ca.setMaterial(material);
    if (material.rootsPem.join('') !== before) {
      this.version++;
      this.log(`ca: trust bundle now has ${material.rootsPem.length} root(s)`);
      for (const l of this.rootsListeners) l();
    }
  }

  get ca(): CertificateAuthority {
    if (this.authority === undefined) throw new Error('the CA is not started');
    return this.authority;
  }

  get rootsPem(): readonly string[] {
    return this.authority?.rootsPem ?? [];
  }

  /** Changes each time the trust bundle does. */
  get rootsVersion(): number {
    return this.version;
  }

  onRootsChanged(listener: () => void): void {
    this.rootsListeners.push(listener);
  }

  meshSecurity() {
    return {
      mtls: true,
      trustDomain: this.trustDomain,
      rootNamespace: 'istio-system',
      jwks: new Map<string, string>(),
    };
  }

  /** A local bootstrap credential for a workload (what `tandem run` / `up` give its sidecar). */
  mintToken(identity: WorkloadIdentity, expiresAtMs?: number): string {
    return this.localTokens.mint(identity, expiresAtMs);
  }

  get issued(): number {
    return this.counters?.issued ?? 0;
  }

  /** When the first of the trusted roots expires (ms since the epoch), or undefined before start. */
  rootExpiryMs(): number | undefined {
    const ends = this.rootsPem.map((pem) => Date.parse(new X509Certificate(pem).validTo));
    return ends.length === 0 ? undefined : Math.min(...ends);
  }

  addTo(server: grpc.Server): void {
    this.counters = addCaService(server, {
      ca: this.ca,
      authenticators: [this.localTokens, ...(this.options.authenticators ?? [])],
      log: this.log,
    });
  }
}
