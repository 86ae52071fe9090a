/**
 * The control plane in a cluster: the Kubernetes registry and config source, and the injection
 * webhook with its serving certificate and caBundle keeper. The webhook's certificate comes from a
 * `CertificateProvider`; until the mesh CA is merged it is the self-signed one made at startup.
 * Native sidecars are used when the API server reports Kubernetes >= 1.28, unless the injection
 * settings say otherwise.
 */
import type { InjectSettings } from '../inject/inject-settings.ts';
import { defaultInjectSettings, supportsNativeSidecar } from '../inject/inject-settings.ts';
import { KubeRegistry } from '../registry/kube-registry.ts';
import { CaBundleKeeper } from '../webhook/ca-bundle-keeper.ts';
import type { CertificateProvider } from '../webhook/certificate-provider.ts';
import { InjectionWebhookServer } from '../webhook/injection-webhook-server.ts';
import { SelfSignedCertificateProvider } from '../webhook/self-signed-certificate-provider.ts';
import { KubeClient } from './kube-client.ts';
import type { KubeConnection } from './kube-config.ts';

export interface WebhookOptions {
  host: string;
  port: number;
  /** MutatingWebhookConfiguration whose caBundle to keep current ('' to leave it alone). */
  configurationName: string;
  /** DNS names of the webhook Service, for the serving certificate. */
  dnsNames: string[];
  settings: Partial<InjectSettings>;
  /** Defaults to a self-signed provider for `dnsNames`. */
  certificates?: CertificateProvider;
}

export interface KubeIntegration {
  client: KubeClient;
  registry: KubeRegistry;
  webhook: InjectionWebhookServer | undefined;
  webhookPort: number;
  kubernetesVersion: string;
  stop(): Promise<void>;
}

export async function startKubeIntegration(options: {
  connection: KubeConnection;
  webhook?: WebhookOptions;
  log: (line: string) => void;
}): Promise<KubeIntegration> {
  const { log } = options;
  const client = new KubeClient(options.connection);
  const version = await client.request<{ major: string; minor: string; gitVersion?: string }>(
    'GET',
    '/version',
  );
  const registry = new KubeRegistry({ client, log });
  await registry.start();
  let webhook: InjectionWebhookServer | undefined;
  let keeper: CaBundleKeeper | undefined;
  let webhookPort = 0;
  const w = options.webhook;
  if (w !== undefined) {
    const certificates =
      w.certificates ?? (await SelfSignedCertificateProvider.create({ dnsNames: w.dnsNames }));
    const settings = defaultInjectSettings({ nativeSidecar: supportsNativeSidecar(version), ...w.settings });
    webhook = new InjectionWebhookServer({
      settings,
      certificates,
      namespaceLabels: (ns) => registry.namespaceLabels(ns),
      log,
    });
    webhookPort = await webhook.listen(w.host, w.port);
    if (w.configurationName !== '') {
      keeper = new CaBundleKeeper({ client, name: w.configurationName, certificates, log });
      await keeper.start();
    }
  }
  return {
    client,
    registry,
    webhook,
    webhookPort,
    kubernetesVersion: version.gitVersion ?? `${version.major}.${version.minor}`,
    async stop() {
      await keeper?.stop();
      await webhook?.close();
      await registry.stop();
      client.close();
    },
  };
}
