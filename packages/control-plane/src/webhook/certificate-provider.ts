/**
 * Where the webhook's serving certificate comes from. The webhook asks a provider for the current
 * certificate and is told when it changes (rotation), so the mesh CA can become the provider
 * without touching the server. Until the CA is merged, `SelfSignedCertificateProvider` makes a
 * private CA and a serving certificate at startup; its CA certificate is the `caBundle` the control
 * plane patches into the MutatingWebhookConfiguration.
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
