/**
 * How to reach the API server: in the cluster (the pod's service-account token and CA, and
 * KUBERNETES_SERVICE_HOST/PORT), or from a kubeconfig file (its current context: server, CA, and a
 * bearer token or client certificate). Only what Tandem needs of kubeconfig is read; exec and
 * auth-provider plugins are refused with a message.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubeApiError, KubeErrorCode } from './kube-api-error.ts';

export interface KubeConnection {
  /** `https://host:port` (or `http://` for tests). */
  server: string;
  caPem?: string;
  /** Read per request, so a rotated projected token is picked up. */
  token?: () => string;
  certPem?: string;
  keyPem?: string;
  insecureSkipTlsVerify?: boolean;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function inClusterConnection(env: NodeJS.ProcessEnv = process.env, dir = SA_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host)
    throw new KubeApiError(
      KubeErrorCode.config,
      'not running in a cluster: KUBERNETES_SERVICE_HOST is not set',
    );
  const tokenFile = path.join(dir, 'token');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    caPem: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
    token: () => readFileSync(tokenFile, 'utf8').trim(),
  };
}

type Named<T> = { name: string } & T;

function fileOrData(base: string, data: unknown, file: unknown): string | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string') return readFileSync(path.resolve(base, file), 'utf8');
  return undefined;
}

export function kubeconfigConnection(file: string, contextName?: string): KubeConnection {
  const fail = (why: string): never => {
    throw new KubeApiError(KubeErrorCode.config, `kubeconfig ${file}: ${why}`);
  };
  let doc: Record<string, unknown>;
  try {
    doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]!);
  }
  const contexts = (doc.contexts ?? []) as Named<{ context: { cluster: string; user?: string } }>[];
  const clusters = (doc.clusters ?? []) as Named<{ cluster: Record<string, unknown> }>[];
  const users = (doc.users ?? []) as Named<{ user: Record<string, unknown> }>[];
  const wanted = contextName ?? (doc['current-context'] as string | undefined);
  const ctx = contexts.find((c) => c.name === wanted) ?? (wanted === undefined ? contexts[0] : undefined);
  if (ctx === undefined) return fail(`context "${wanted}" not found`);
  const cluster = clusters.find((c) => c.name === ctx.context.cluster)?.cluster;
  if (cluster === undefined || typeof cluster.server !== 'string')
    return fail(`cluster "${ctx.context.cluster}" not found or has no server`);
  const user = users.find((u) => u.name === ctx.context.user)?.user ?? {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    return fail('exec and auth-provider credentials are not supported; use a token or client certificate');
  const base = path.dirname(file);
  const token = typeof user.token === 'string' ? user.token : fileOrData(base, undefined, user.tokenFile);
  return {
    server: cluster.server.replace(/\/$/, ''),
    caPem: fileOrData(base, cluster['certificate-authority-data'], cluster['certificate-authority']),
    token: token === undefined ? undefined : () => token.trim(),
    certPem: fileOrData(base, user['client-certificate-data'], user['client-certificate']),
    keyPem: fileOrData(base, user['client-key-data'], user['client-key']),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
