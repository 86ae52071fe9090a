/**
 * Keeps the MutatingWebhookConfiguration's `caBundle` equal to the webhook's serving CA: patched at
 * startup, and again whenever the configuration changes (a `helm upgrade` that resets it) or the
 * certificate rotates. Only webhooks whose bundle differs are patched (JSON Patch, one `add` per
 * webhook), so an up-to-date configuration is left alone.
 */
import { Informer } from '../kube/informer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { KubeResources } from '../kube/kube-resources.ts';
import type { CertificateProvider } from './certificate-provider.ts';

interface WebhookConfiguration {
  webhooks?: { name: string; clientConfig?: { caBundle?: string } }[];
}

/** Patches `name`'s webhooks to trust `caPem`; returns how many webhooks were changed. */
export async function patchWebhookCaBundle(client: KubeClient, name: string, caPem: string): Promise<number> {
  const path = `${KubeResources.webhookConfigurations.path}/${name}`;
  const config = await client.request<WebhookConfiguration>('GET', path);
  const bundle = Buffer.from(caPem).toString('base64');
  const ops = (config.webhooks ?? []).flatMap((w, i) =>
    w.clientConfig?.caBundle === bundle
      ? []
      : [{ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle }],
  );
  if (ops.length > 0)
    await client.request('PATCH', path, { body: ops, contentType: 'application/json-patch+json' });
  return ops.length;
}

export interface CaBundleKeeperOptions {
  client: KubeClient;
  /** MutatingWebhookConfiguration name (the chart's `tandem-sidecar-injector`). */
  name: string;
  certificates: CertificateProvider;
  log?: (line: string) => void;
}

export class CaBundleKeeper {
  private readonly options: CaBundleKeeperOptions;
  private readonly informer: Informer;
  private readonly unsubscribe: () => void;
  private pending: Promise<void> = Promise.resolve();
  patches = 0;

  constructor(options: CaBundleKeeperOptions) {
    this.options = options;
    const r = KubeResources.webhookConfigurations;
    this.informer = new Informer({
      client: options.client,
      path: r.path,
      kind: r.kind,
      apiVersion: r.apiVersion,
      log: options.log,
      onChange: () => this.schedule(),
    });
    this.unsubscribe = options.certificates.onChange(() => this.schedule());
  }

  async start(): Promise<void> {
    await this.informer.start();
    this.schedule();
    await this.pending;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.informer.stop();
    await this.pending;
  }

  private schedule(): void {
    if (!this.informer.store.has(`/${this.options.name}`)) return;
    this.pending = this.pending.then(async () => {
      try {
        const n = await patchWebhookCaBundle(
          this.options.client,
          this.options.name,
          this.options.certificates.current().caBundlePem,
        );
        if (n > 0) {
          this.patches++;
          this.options.log?.(`webhook: caBundle of ${this.options.name} patched (${n} webhooks)`);
        }
      } catch (err) {
        this.options.log?.(
          `webhook: cannot patch caBundle of ${this.options.name}: ${(err as Error).message}`,
        );
      }
    });
  }
}
