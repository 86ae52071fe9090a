/**
 * `tandem sidecar`: what the injected `tandem-proxy` container runs. Builds the proxy's bootstrap from
 * the pod's environment (downward API env, `TANDEM_*` settings, the labels file), runs the proxy with
 * it, and serves the agent endpoints: readiness on the health port (15021) and app-probe forwarding
 * and metrics on the agent port (15020). `tandem sidecar-wait` (the classic sidecar's postStart hook)
 * returns once the sidecar is ready, so the kubelet starts the app after the proxy.
 * Exit codes: 0 clean exit, 1 bad environment or bootstrap, 2 runtime failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { formatConfigIssue, validateBootstrap } from '@tandem/api/envoy';
import {
  AgentServer,
  buildSidecarBootstrap,
  ProxyServer,
  parseProbers,
  type WorkloadIdentityOptions,
} from '@tandem/proxy';
import type { Command } from 'commander';

const env = (name: string, fallback: string) => process.env[name] || fallback;

export function addSidecarCommands(program: Command): void {
  program
    .command('sidecar')
    .description('Run the injected sidecar: proxy + agent, configured from the pod environment.')
    .option('--drain-time-s <seconds>', 'on SIGTERM, how long in-flight requests may take', '5')
    .action(async (flags: { drainTimeS: string }) => {
      process.exitCode = await runSidecar(Number(flags.drainTimeS) * 1000);
    });
  program
    .command('sidecar-wait')
    .description('Wait until the local sidecar reports ready (postStart hook of classic sidecars).')
    .option('--timeout-s <seconds>', 'give up after this long', '600')
    .option('--url <url>', 'readiness URL', 'http://127.0.0.1:15021/healthz/ready')
    .action(async (flags: { timeoutS: string; url: string }) => {
      process.exitCode = await waitReady(flags.url, Number(flags.timeoutS) * 1000);
    });
}

function readOptional(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function runSidecar(drainTimeMs: number): Promise<number> {
  const log = (line: string) => void process.stderr.write(`tandem sidecar: ${line}\n`);
  const podInfo = env('TANDEM_POD_INFO_DIR', '/etc/tandem/pod');
  let raw: Record<string, unknown>;
  let probers: ReturnType<typeof parseProbers>;
  try {
    raw = buildSidecarBootstrap(
      { env: process.env, labelsFile: readOptional(path.join(podInfo, 'labels')) },
      Number(env('TANDEM_ADMIN_PORT', '15000')),
    );
    probers = parseProbers(process.env.TANDEM_APP_PROBERS);
  } catch (err) {
    log((err as Error).message);
    return 1;
  }
  const checked = validateBootstrap(raw);
  if (!checked.ok) {
    for (const e of checked.errors) log(formatConfigIssue(e));
    return 1;
  }
  const dir = process.env.TANDEM_BOOTSTRAP_DIR;
  if (dir) writeFileSafe(path.join(dir, 'bootstrap.json'), JSON.stringify(raw, null, 2));
  let done: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (done = resolve));
  const proxy = new ProxyServer({
    bootstrap: checked.bootstrap,
    raw,
    drainTimeMs,
    onExit: () => done(0),
    identity: sidecarIdentity(process.env),
  });
  const agent = new AgentServer({
    ready: () => proxy.state() === 'LIVE',
    probers,
    adminPort: () => proxy.adminPort,
  });
  const health = new AgentServer({ ready: () => proxy.state() === 'LIVE', probers: {}, adminPort: () => 0 });
  try {
    const host = env('TANDEM_AGENT_HOST', '0.0.0.0');
    const agentPort = await agent.listen(host, Number(env('TANDEM_AGENT_PORT', '15020')));
    const healthPort = await health.listen(host, Number(env('TANDEM_HEALTH_PORT', '15021')));
    log(`node ${(raw.node as { id: string }).id}; agent on ${agentPort}, health on ${healthPort}`);
    await proxy.start();
  } catch (err) {
    log((err as Error).message);
    return 2;
  }
  const stop = () => void proxy.stop().then(() => done(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const code = await exited;
  await agent.close();
  await health.close();
  process.exit(code);
}

/**
 * The workload identity the injector asks for: a certificate from the CA at TANDEM_CA_ADDR, proved by
 * the projected service-account token at TANDEM_TOKEN_FILE (read for every request: the kubelet
 * rotates it). Without TANDEM_CA_ADDR the sidecar has no identity and talks plaintext.
 */
export function sidecarIdentity(e: NodeJS.ProcessEnv): WorkloadIdentityOptions | undefined {
  const caAddress = e.TANDEM_CA_ADDR;
  if (!caAddress) return undefined;
  const tokenFile = e.TANDEM_TOKEN_FILE || '/var/run/secrets/tokens/tandem-token';
  return {
    caAddress,
    token: () => readFileSync(tokenFile, 'utf8').trim(),
    trustDomain: e.TRUST_DOMAIN || 'cluster.local',
    namespace: e.POD_NAMESPACE || 'default',
    serviceAccount: e.SERVICE_ACCOUNT || 'default',
  };
}

function writeFileSafe(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch {}
}

async function waitReady(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await new Promise<number>((resolve) => {
      http
        .get(url, { timeout: 1000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve(0))
        .on('timeout', function (this: http.ClientRequest) {
          this.destroy();
        });
    });
    if (status === 200) return 0;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stderr.write(`tandem sidecar-wait: ${url} not ready after ${timeoutMs / 1000}s\n`);
  return 1;
}
