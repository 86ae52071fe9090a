/**
 * Where the webhook's serving certificate comes from. The webhook asks a provider for the current
 * certificate and is told when it changes (rotation), so the source can change without touching the
 * server: `SelfSignedCertificateProvider` (a private CA made at startup, when the control plane runs no
 * CA) or `MeshCaCertificateProvider` (signed by the mesh CA). The provider's CA certificate is the
 * `caBundle` the control plane patches into the MutatingWebhookConfiguration.
 */

export interface ServingCertificate {
  /** PEM: the serving certificate followed by any intermediates. */
  certChainPem: string;
  /** PEM: PKCS#8 private key. */
  keyPem: string;
  /** PEM: the CA the API server must trust (the webhook configuration's caBundle). */
  caBundlePem: string;
}

export interface CertificateProvider {
  current(): ServingCertificate;
  /** Called with each new certificate; returns an unsubscribe function. */
  onChange(listener: (cert: ServingCertificate) => void): () => void;
}

/**
 * A provider that starts with one source and can hand over to another once it exists (the self-signed
 * certificate at startup, the mesh CA's once the CA is up). Listeners hear about the handover and about
 * every change of the current source.
 */
export class HandoverCertificateProvider implements CertificateProvider {
  private source: CertificateProvider;
  private unsubscribeSource: () => void;
  private readonly listeners = new Set<(cert: ServingCertificate) => void>();

  constructor(initial: CertificateProvider) {
    this.source = initial;
    this.unsubscribeSource = this.follow(initial);
  }

  current(): ServingCertificate {
    return this.source.current();
  }

  onChange(listener: (cert: ServingCertificate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handOver(next: CertificateProvider): void {
    this.unsubscribeSource();
    this.source = next;
    this.unsubscribeSource = this.follow(next);
    this.notify(next.current());
  }

  private follow(source: CertificateProvider): () => void {
    return source.onChange((cert) => this.notify(cert));
  }

  private notify(cert: ServingCertificate): void {
    for (const l of this.listeners) l(cert);
  }
}
