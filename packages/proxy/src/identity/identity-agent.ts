/**
 * The proxy's workload identity agent (what Istio's pilot-agent does beside Envoy, inside the proxy): it
 * generates a key in memory, sends a CSR for its SPIFFE ID to the CA with its bootstrap credential, and
 * provides the certificate and key as the local secret `default`. It renews at about half the lifetime
 * (with jitter), each time with a fresh key; TLS contexts that name the secret are rebuilt and swapped, so
 * established connections keep going and new handshakes use the new certificate. A failed request is
 * retried with backoff while the current certificate stays in use.
 */
import { X509Certificate } from 'node:crypto';
import type { SecretStore } from '../tls/secret-store.ts';
import type {
  CertificateState,
  IdentityAgentHandle,
  IdentityTimers,
  WorkloadIdentityOptions,
} from './identity-types.ts';
import { renewalDelayMs } from './renewal-schedule.ts';
import { createWorkloadKey } from './workload-key.ts';

/** Gets a certificate chain (leaf first) for a CSR. */
export type CertificateSource = (csrPem: string, ttlMs: number, token: string) => Promise<string[]>;

const DAY_MS = 86_400_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

export const systemTimers: IdentityTimers = {
  nowMs: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export class IdentityAgent implements IdentityAgentHandle {
  issued = 0;
  private readonly store: SecretStore;
  private readonly options: WorkloadIdentityOptions;
  private readonly source: CertificateSource;
  private readonly log: (line: string) => void;
  private readonly timers: IdentityTimers;
  private readonly secretName: string;
  private readonly spiffeId: string;
  private current: { leaf: X509Certificate; chain: string[] } | undefined;
  private nextRenewalMs: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  private readonly firstWaiters: (() => void)[] = [];

  constructor(
    store: SecretStore,
    options: WorkloadIdentityOptions,
    source: CertificateSource,
    log: (line: string) => void,
  ) {
    this.store = store;
    this.options = options;
    this.source = source;
    this.log = log;
    this.timers = options.timers ?? systemTimers;
    this.secretName = options.secretName ?? 'default';
    this.spiffeId = `spiffe://${options.trustDomain}/ns/${options.namespace}/sa/${options.serviceAccount}`;
    store.claimLocal(this.secretName);
  }

  start(): void {
    void this.renewNow();
  }

  firstCertificate(timeoutMs: number): Promise<void> {
    if (this.current !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.timers.setTimer(() => {
        this.log(`identity: no certificate after ${timeoutMs} ms; still trying`);
        resolve();
      }, timeoutMs);
      this.firstWaiters.push(() => {
        cancel();
        resolve();
      });
    });
  }

  /** Gets a new certificate now (one request at a time). */
  renewNow(): Promise<void> {
    this.inFlight ??= this.renew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  state(): CertificateState | undefined {
    const c = this.current;
    if (c === undefined) return undefined;
    const notAfterMs = Date.parse(c.leaf.validTo);
    return {
      secretName: this.secretName,
      serialNumber: c.leaf.serialNumber,
      subjectAltNames: c.leaf.subjectAltName ?? '',
      notBefore: new Date(Date.parse(c.leaf.validFrom)).toISOString(),
      notAfter: new Date(notAfterMs).toISOString(),
      daysUntilExpiration: Math.floor((notAfterMs - this.timers.nowMs()) / DAY_MS),
      chain: c.chain.slice(1).map((p) => (new X509Certificate(p).subject ?? '').replace(/\n/g, ', ')),
      renewals: Math.max(0, this.issued - 1),
      nextRenewal: this.nextRenewalMs === undefined ? undefined : new Date(this.nextRenewalMs).toISOString(),
    };
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    try {
      const key = await createWorkloadKey(this.spiffeId);
      const chain = await this.source(key.csrPem, this.options.ttlMs ?? DAY_MS, this.options.token());
      if (this.stopped) return;
      this.install(chain, key.keyPem);
      this.retryMs = RETRY_MIN_MS;
    } catch (err) {
      if (this.stopped) return;
      this.log(
        `identity: certificate request failed (retrying in ${this.retryMs} ms): ${(err as Error).message}`,
      );
      this.schedule(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    }
  }

  private install(chain: string[], keyPem: string): void {
    const leaf = new X509Certificate(chain[0]!);
    // The root is not sent in handshakes: peers have it in their trust bundle.
    const presented = chain.filter((pem, i) => i === 0 || !isSelfSigned(pem));
    this.store.set(
      {
        name: this.secretName,
        kind: 'tlsCertificate',
        tlsCertificate: {
          certificateChain: { kind: 'inlineString', value: presented.join('') },
          privateKey: { kind: 'inlineString', value: keyPem },
          password: undefined,
        },
      },
      'local',
      leaf.serialNumber,
    );
    this.current = { leaf, chain };
    this.issued++;
    const now = this.timers.nowMs();
    const delay = renewalDelayMs(
      { notBeforeMs: Date.parse(leaf.validFrom), notAfterMs: Date.parse(leaf.validTo) },
      now,
      {
        fraction: this.options.renewAtFraction ?? 0.5,
        jitter: this.options.jitterFraction ?? 0.1,
        random: this.options.random ?? Math.random,
      },
    );
    this.log(
      `identity: certificate ${leaf.serialNumber} for ${leaf.subjectAltName} until ${leaf.validTo}; renewing in ${Math.round(delay / 1000)} s`,
    );
    this.schedule(delay);
    for (const w of this.firstWaiters.splice(0)) w();
  }

  private schedule(delayMs: number): void {
    this.nextRenewalMs = this.timers.nowMs() + delayMs;
    this.cancelTimer = this.timers.setTimer(() => void this.renewNow(), delayMs);
  }
}

function isSelfSigned(pem: string): boolean {
  const cert = new X509Certificate(pem);
  return cert.checkIssued(cert);
}
