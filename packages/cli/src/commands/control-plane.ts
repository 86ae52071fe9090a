/**
 * `tandem control-plane`: serves xDS (default 127.0.0.1:15010, Istio's plaintext port) and the
 * debug/metrics API (default 127.0.0.1:15014) from Istio YAML in `--config-dir` (watched), and/or
 * from a Kubernetes cluster (`--in-cluster`, or `--kubeconfig FILE`): Services, EndpointSlices, Pods,
 * Namespaces and the Istio custom resources, watched. In a cluster it can also serve the sidecar
 * injection webhook (`--webhook-address`, HTTPS) and keep its MutatingWebhookConfiguration's
 * caBundle current. Invalid objects are rejected with a message and never applied.
 */
import { readFileSync } from 'node:fs';
import type {
  ControlPlane,
  DebugServer,
  HandoverCertificateProvider,
  InjectSettings,
  KubeConnection,
  KubeIntegration,
  MeshCaCertificateProvider,
  MeshConfig,
} from '@tandem/control-plane';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { splitHostPort } from '../host-port.ts';

interface Flags {
  configDir?: string;
  xdsAddress: string;
  debugAddress: string;
  inCluster?: boolean;
  kubeconfig?: string;
  kubeContext?: string;
  webhookAddress?: string;
  webhookConfigName: string;
  webhookDnsNames: string;
  injectionConfig?: string;
  meshConfig?: string;
  caDir?: string;
  trustDomain: string;
  workloadCertTtlS: string;
  tokenKeyDir?: string;
}

export function addControlPlaneCommand(program: Command): void {
  program
    .command('control-plane')
    .description('Run the control plane: Istio config and a service registry in, xDS out.')
    .option('--config-dir <dir>', 'directory of Istio / Kubernetes YAML (watched for changes)')
    .option(
      '--in-cluster',
      "read config and services from the Kubernetes API, with the pod's service account",
    )
    .option('--kubeconfig <file>', 'read config and services from the Kubernetes API of this kubeconfig')
    .option('--kube-context <name>', 'kubeconfig context (default: current-context)')
    .option('--xds-address <host:port>', 'where to serve ADS (gRPC, plaintext)', '127.0.0.1:15010')
    .option('--debug-address <host:port>', 'where to serve /debug/* and /metrics', '127.0.0.1:15014')
    .option(
      '--webhook-address <host:port>',
      'serve the sidecar injection webhook (HTTPS) here (Kubernetes only)',
    )
    .option(
      '--webhook-config-name <name>',
      'MutatingWebhookConfiguration to keep the caBundle of',
      'tandem-sidecar-injector',
    )
    .option(
      '--webhook-dns-names <names>',
      'DNS names for the webhook certificate (comma-separated)',
      'tandem-control-plane.tandem-system.svc',
    )
    .option(
      '--injection-config <file>',
      'injection settings (YAML/JSON: proxyImage, caAudience, resources, ...)',
    )
    .option(
      '--mesh-config <file>',
      'Istio MeshConfig YAML (or the istio ConfigMap): accessLogFile, accessLogEncoding, tracing, extensionProviders',
    )
    .option(
      '--ca-dir <dir>',
      'run the CA (mTLS between sidecars): a root is generated here on first start, or put Istio cacerts here',
    )
    .option('--trust-domain <domain>', 'SPIFFE trust domain of workload identities', 'cluster.local')
    .option('--workload-cert-ttl-s <seconds>', 'default workload certificate lifetime', '86400')
    .option(
      '--token-key-dir <dir>',
      'where the local bootstrap token key is kept (default: the CA directory)',
    )
    .action(async (flags: Flags) => {
      process.exitCode = await run(flags);
    });
}

type ControlPlaneModule = typeof import('@tandem/control-plane');

function kubeConnection(lib: ControlPlaneModule, flags: Flags): KubeConnection | undefined {
  if (flags.inCluster) return lib.inClusterConnection();
  if (flags.kubeconfig) return lib.kubeconfigConnection(flags.kubeconfig, flags.kubeContext);
  return undefined;
}

function injectionSettings(lib: ControlPlaneModule, file: string | undefined): Partial<InjectSettings> {
  if (file === undefined) return {};
  return lib.readInjectSettings(parseYaml(readFileSync(file, 'utf8')), file);
}

async function run(flags: Flags): Promise<number> {
  // Loaded here, not at the top: `tandem proxy` must not parse the control plane (gRPC server, CA, x509).
  const lib = await import('@tandem/control-plane');
  const {
    buildDebugHandlers,
    ControlPlane,
    DebugServer,
    parseIstioFile,
    parseMeshConfig,
    startKubeIntegration,
  } = lib;
  const log = (line: string): void => void process.stderr.write(`tandem control-plane: ${line}\n`);
  let meshConfig: MeshConfig | undefined;
  if (flags.meshConfig !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.meshConfig, 'utf8');
    } catch (err) {
      log(
        `cannot read ${flags.meshConfig}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return 1;
    }
    const parsed = parseMeshConfig(text, flags.meshConfig);
    for (const n of parsed.notices) log(`notice: ${n}`);
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) log(`error: ${e} [TANDEM_ERR_MESH_CONFIG]`);
      return 1;
    }
    meshConfig = parsed.config;
  }
  const security =
    flags.caDir === undefined
      ? undefined
      : {
          caDir: flags.caDir,
          trustDomain: flags.trustDomain,
          workloadTtlMs: Number(flags.workloadCertTtlS) * 1000,
          tokenKeyDir: flags.tokenKeyDir,
        };
  let kube: KubeIntegration | undefined;
  let cp: ControlPlane | undefined;
  let webhookCerts: HandoverCertificateProvider | undefined;
  let meshCerts: MeshCaCertificateProvider | undefined;
  const dnsNames = flags.webhookDnsNames.split(',').map((s) => s.trim());
  let debug: DebugServer | undefined;
  try {
    const connection = kubeConnection(lib, flags);
    const settings = injectionSettings(lib, flags.injectionConfig);
    if (connection === undefined && flags.configDir === undefined) {
      log('give --config-dir, --in-cluster or --kubeconfig');
      return 2;
    }
    if (connection !== undefined) {
      const [wh, wp] = flags.webhookAddress ? splitHostPort(flags.webhookAddress) : ['', 0];
      // Self-signed until the mesh CA is up (it starts with the control plane, after the registry).
      webhookCerts = flags.webhookAddress
        ? new lib.HandoverCertificateProvider(await lib.SelfSignedCertificateProvider.create({ dnsNames }))
        : undefined;
      kube = await startKubeIntegration({
        connection,
        log,
        webhook: flags.webhookAddress
          ? {
              host: wh,
              port: wp,
              configurationName: flags.webhookConfigName,
              dnsNames,
              settings,
              certificates: webhookCerts,
            }
          : undefined,
      });
      log(`kubernetes ${kube.kubernetesVersion} at ${kube.client.server}`);
      if (kube.webhook) log(`injection webhook on ${wh}:${kube.webhookPort} (HTTPS)`);
    }
    const sources = kube ? [kube.registry] : [];
    // In a cluster, sidecars prove who they are with projected service-account tokens (TokenReview).
    const authenticators =
      kube === undefined || security === undefined
        ? []
        : [
            lib.caAuthenticatorOf(
              new lib.TokenReviewAuthenticator({
                client: kube.client,
                // The audience the injector gives the projected token.
                audience: lib.defaultInjectSettings(settings).caAudience,
              }),
            ),
          ];
    cp = new ControlPlane({
      configDir: flags.configDir,
      parse: parseIstioFile,
      registries: sources,
      configSources: sources,
      log,
      meshConfig,
      security: security === undefined ? undefined : { ...security, authenticators },
    });
    await cp.start();
    if (webhookCerts !== undefined && cp.security !== undefined) {
      const ca = cp.security.ca;
      meshCerts = await lib.MeshCaCertificateProvider.create(ca, { dnsNames, log });
      webhookCerts.handOver(meshCerts);
      const renew = meshCerts;
      cp.security.onRootsChanged(() => void renew.renew().catch((e) => log(`webhook certificate: ${e}`)));
      log('injection webhook certificate signed by the mesh CA');
    }
    const xdsPort = await cp.ads.listen(flags.xdsAddress);
    const [dh, dp] = splitHostPort(flags.debugAddress);
    debug = new DebugServer(buildDebugHandlers(cp));
    const debugPort = await debug.listen(dh, dp);
    log(`xds on ${splitHostPort(flags.xdsAddress)[0]}:${xdsPort}; debug on ${dh}:${debugPort}`);
    log(`${cp.meshSnapshot.objects.length} config objects, ${cp.meshSnapshot.services.size} services`);
  } catch (err) {
    const e = err as Error & { code?: string };
    log(`${e.message}${e.code ? ` [${e.code}]` : ''}`);
    await cp?.stop();
    await kube?.stop();
    meshCerts?.close();
    return 2;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await debug.close();
  await cp.stop();
  await kube?.stop();
  meshCerts?.close();
  return 0;
}
