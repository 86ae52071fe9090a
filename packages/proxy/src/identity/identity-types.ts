/** What the proxy's workload identity agent is given, and what the rest of the proxy sees of it. */

/** Timers the agent uses, injectable so renewal logic is tested without waiting. */
export interface IdentityTimers {
  /** Wall-clock milliseconds (certificate validity is wall-clock). */
  nowMs(): number;
  /** Runs `fn` after `ms`; returns the function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export interface WorkloadIdentityOptions {
  /** The CA's gRPC address, `host:port` (the control plane's xDS port in local mode). */
  readonly caAddress: string;
  /** The bootstrap credential, read again for every request (token files get rotated). */
  readonly token: () => string;
  readonly trustDomain: string;
  /** The identity asked for; the CA grants only what the credential proves. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Requested certificate lifetime; default 24 h (the CA may shorten it). */
  readonly ttlMs?: number;
  /** Renew at this fraction of the lifetime (default 0.5) ... */
  readonly renewAtFraction?: number;
  /** ... plus or minus this fraction of the lifetime, at random (default 0.1), so a fleet spreads out. */
  readonly jitterFraction?: number;
  /** The secret name the certificate is provided as (Istio's `default`). */
  readonly secretName?: string;
  readonly timers?: IdentityTimers;
  readonly random?: () => number;
}

/** The certificate the proxy currently presents, for `/certs`. */
export interface CertificateState {
  readonly secretName: string;
  readonly serialNumber: string;
  readonly subjectAltNames: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysUntilExpiration: number;
  /** Issuer chain above the leaf, as subjects. */
  readonly chain: readonly string[];
  readonly renewals: number;
  readonly nextRenewal: string | undefined;
}

export interface IdentityAgentHandle {
  /** Resolves when the first certificate is in place, or after `timeoutMs` (retries go on). */
  firstCertificate(timeoutMs: number): Promise<void>;
  state(): CertificateState | undefined;
  /** Certificates obtained so far (the first included). */
  readonly issued: number;
  /** Gets a new certificate now (e.g. the trust bundle changed). */
  renewNow(): Promise<void>;
  stop(): void;
}
