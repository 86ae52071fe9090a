/**
 * `tandem up [DIR]`: the local mesh in one command. Reads DIR/tandem.yaml (the workloads) and the
 * Istio YAML in DIR, starts the control plane, the ingress gateway and every workload with its
 * sidecar, prints where things are and each workload's output, and applies changes to DIR's
 * YAML live. Ctrl-C drains and stops everything; a second Ctrl-C kills at once.
 *
 * `--transparent` runs every instance in a network namespace of its own with iptables interception
 * (see up/transparent-pods.ts and docs/local-mesh.md); it needs Linux and root.
 *
 * Exit codes: 0 after a clean stop, 1 for an invalid tandem.yaml or flags, or when transparent mode
 * cannot run here (the message says what is missing), 2 when something cannot start (a port in use).
 */
import path from 'node:path';
import { parseCidrs, parsePorts } from '@tandem/proxy/interception';
import type { Command } from 'commander';
import { parseAppUser } from '../local/app-process.ts';
import { POD_AGENT_PORT } from '../local/workload-spec.ts';
import { httpStatus } from '../up/instance-readiness.ts';
import { overlaps, parseIpv4Cidr } from '../up/ipv4-cidr.ts';
import type { InstanceStatus, LocalMesh } from '../up/local-mesh.ts';
import { ManifestError, readManifest } from '../up/manifest.ts';
import { tandemCommand } from '../up/tandem-command.ts';
import type { TransparentOptions } from '../up/transparent-pods.ts';
import { transparentUnavailable } from '../up/transparent-preflight.ts';

interface Flags {
  configDir: string[];
  xdsAddress: string;
  debugAddress: string;
  ingressPort: string[];
  drainTimeS: string;
  readyTimeoutS: string;
  caDir?: string;
  mtls: boolean;
  transparent?: boolean;
  podCidr: string;
  serviceCidr: string;
  proxyUid: string;
  appUser?: string;
  excludeOutboundPorts: string;
  excludeOutboundCidrs: string;
  excludeInboundPorts: string;
}

export function addUpCommand(program: Command): void {
  program
    .command('up')
    .description('Run a local mesh: control plane, ingress and the workloads of DIR/tandem.yaml.')
    .argument('[dir]', 'directory with tandem.yaml and Istio YAML', '.')
    .option('--config-dir <dir>', 'another directory of Istio YAML, watched too (repeatable)', collect, [])
    .option('--xds-address <host:port>', 'where the control plane serves xDS', '127.0.0.1:15010')
    .option(
      '--debug-address <host:port>',
      'where the control plane serves /debug and /metrics',
      '127.0.0.1:15014',
    )
    .option(
      '--ingress-port <server=local>',
      'bind Gateway server port SERVER at local port LOCAL (repeatable)',
      collect,
      [],
    )
    .option('--drain-time-s <seconds>', 'on Ctrl-C, how long workloads may take to drain', '5')
    .option('--ready-timeout-s <seconds>', 'when to report workloads that are still not ready', '60')
    .option(
      '--ca-dir <dir>',
      "the mesh CA's directory, root created on first start (default: DIR/.tandem/ca)",
    )
    .option('--no-mtls', 'no CA: sidecars talk plaintext')
    .option(
      '--transparent',
      'each instance in a network namespace of its own, its TCP redirected to its sidecar by iptables (Linux, root)',
    )
    .option(
      '--pod-cidr <cidr>',
      "transparent: the pods' addresses (the bridge takes the first)",
      '10.89.0.0/24',
    )
    .option('--service-cidr <cidr>', "transparent: the services' virtual IPs", '10.90.0.0/16')
    .option('--proxy-uid <uid>', "transparent: the sidecars' UID, exempt from redirection", '1337')
    .option(
      '--app-user <uid[:gid]>',
      'transparent: who the applications run as (default: the sudo caller, else you)',
    )
    .option('--exclude-outbound-ports <ports>', 'transparent: outbound ports that bypass the sidecar', '')
    .option('--exclude-outbound-cidrs <cidrs>', 'transparent: destinations that bypass the sidecar', '')
    .option('--exclude-inbound-ports <ports>', 'transparent: inbound ports that bypass the sidecar', '')
    .action(async (dir: string, flags: Flags) => {
      process.exitCode = await up(dir, flags);
    });
}

/** `DIR/.tandem/ca` unless given: the root persists between runs, next to the mesh it signs for. */
function caDirOf(flag: string | undefined, dir: string): string {
  return flag === undefined ? path.join(dir, '.tandem', 'ca') : path.resolve(flag);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function up(dir: string, flags: Flags): Promise<number> {
  const started = performance.now();
  const log = (line: string): void => void process.stderr.write(`tandem up: ${line}\n`);
  let manifest: ReturnType<typeof readManifest>;
  try {
    manifest = readManifest(path.resolve(dir));
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    for (const p of err.problems) log(p);
    return 1;
  }
  const parsed = parseFlags(flags);
  if (typeof parsed === 'string') {
    log(parsed);
    return 1;
  }
  let transparent: TransparentOptions | undefined;
  if (flags.transparent) {
    const checked = parseTransparentFlags(flags);
    if (typeof checked === 'string') {
      log(checked);
      return 1;
    }
    const missing = transparentUnavailable({
      podCidr: checked.podCidr,
      proxyUid: checked.proxyUid,
      command: tandemCommand(),
    });
    if (missing !== undefined) {
      log(missing);
      return 1;
    }
    transparent = checked;
  }
  const width = Math.max(...manifest.workloads.map((w) => instanceWidth(w.name, w.labels['version'])));
  const colors = process.stdout.isTTY ? new Map<string, string>() : undefined;
  const output = (instance: string, line: string): void => {
    let prefix = instance.padEnd(width);
    if (colors !== undefined) {
      if (!colors.has(instance)) colors.set(instance, COLORS[colors.size % COLORS.length]!);
      prefix = `${colors.get(instance)}${prefix}\x1b[0m`;
    }
    process.stdout.write(`${prefix} | ${line}\n`);
  };
  // Loaded here: `tandem run` (one per sidecar) shares this CLI and must not load the control plane.
  const { LocalMesh } = await import('../up/local-mesh.ts');
  const mesh = new LocalMesh({
    manifest,
    extraConfigDirs: flags.configDir.map((d) => path.resolve(d)),
    xds: parsed.xds,
    debug: parsed.debug,
    ingressPorts: parsed.ingressPorts,
    drainTimeMs: parsed.drainTimeMs,
    caDir: flags.mtls ? caDirOf(flags.caDir, manifest.dir) : undefined,
    transparent,
    log,
    output,
  });
  let signals = 0;
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) {
      log(`${sig} again: killing everything now`);
      mesh.kill();
      return;
    }
    log(`${sig}: stopping (workloads drain for up to ${parsed.drainTimeMs / 1000}s; Ctrl-C again to kill)`);
    stopRequested?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await mesh.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    log(`cannot start: ${e.message}`);
    await mesh.stop();
    return 2;
  }
  log(
    `control plane: xDS ${parsed.xds.host}:${mesh.xdsPort}, debug http://${parsed.debug.host}:${mesh.debugPort}/debug/syncz; config from ${[manifest.dir, ...flags.configDir].join(', ')}`,
  );
  log(`starting ${mesh.status().length} workload instance(s)`);
  void reportWhenReady(mesh, manifest, parsed.readyTimeoutMs, started, log, httpStatus);
  await stopped;
  await mesh.stop();
  log('stopped');
  return 0;
}

async function reportWhenReady(
  mesh: LocalMesh,
  manifest: ReturnType<typeof readManifest>,
  readyTimeoutMs: number,
  started: number,
  log: (line: string) => void,
  httpStatus: (port: number, urlPath: string, timeoutMs: number) => Promise<number>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    mesh.whenReady().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), readyTimeoutMs))),
  ]);
  clearTimeout(timer);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(ready ? `all workloads ready in ${seconds}s` : `not every workload is ready after ${seconds}s:`);
  for (const line of statusTable(mesh.status())) log(line);
  const ingress = manifest.ingress;
  if (ingress === undefined) return;
  const serverPort = ingress.ports[0]!;
  const port = mesh.ingressPort(serverPort);
  if (port === 0) {
    log(
      `ingress: no listener for Gateway port ${serverPort}; is there a Gateway selecting istio: ingressgateway?`,
    );
    return;
  }
  const url = `http://127.0.0.1:${port}${ingress.open}`;
  const deadline = performance.now() + readyTimeoutMs;
  let status = 0;
  while (performance.now() < deadline) {
    status = await httpStatus(port, ingress.open, 5000);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const at = ((performance.now() - started) / 1000).toFixed(1);
  log(
    status === 200
      ? `open ${url} (answered 200, ${at}s after start)`
      : `${url} answers ${status || 'nothing'} after ${at}s`,
  );
}

export function statusTable(rows: readonly InstanceStatus[]): string[] {
  const pods = rows.some((r) => r.podIp !== undefined);
  const header = [
    'WORKLOAD',
    'STATE',
    ...(pods ? ['POD IP'] : []),
    'SERVES',
    pods ? 'SIDECAR METRICS' : 'SIDECAR ADMIN',
    'HTTP_PROXY',
    'SIDECAR RSS (PSS)',
    'RESTARTS',
  ];
  const body = rows.map((r) => [
    r.name,
    r.state,
    ...(pods ? [r.podIp ?? '-'] : []),
    r.appPorts.map((p) => `${r.service}:${p.port} (app :${p.targetPort})`).join(', ') || '-',
    sidecarUrl(r),
    r.proxyPort ? `127.0.0.1:${r.proxyPort}` : '-',
    memoryText(r.sidecarMemory),
    String(r.restarts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [header, ...body].map((cols) =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** Explicit mode: the admin API on loopback; a pod: its metrics on the agent port (admin stays inside). */
function sidecarUrl(r: InstanceStatus): string {
  if (r.podIp !== undefined) return `http://${r.podIp}:${POD_AGENT_PORT}/stats/prometheus`;
  return r.adminPort ? `http://127.0.0.1:${r.adminPort}` : '-';
}

function instanceWidth(name: string, version: string | undefined): number {
  return [name, version, '0'].filter(Boolean).join('-').length + 1;
}

const COLORS = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];

function parseFlags(flags: Flags):
  | {
      xds: { host: string; port: number };
      debug: { host: string; port: number };
      ingressPorts: Map<number, number>;
      drainTimeMs: number;
      readyTimeoutMs: number;
    }
  | string {
  const xds = hostPort(flags.xdsAddress);
  if (xds === undefined) return `--xds-address "${flags.xdsAddress}": expected host:port`;
  const debug = hostPort(flags.debugAddress);
  if (debug === undefined) return `--debug-address "${flags.debugAddress}": expected host:port`;
  const ingressPorts = new Map<number, number>();
  for (const spec of flags.ingressPort) {
    const m = /^(\d+)=(\d+)$/.exec(spec);
    if (m === null || Number(m[1]) > 65535 || Number(m[2]) > 65535)
      return `--ingress-port "${spec}": expected SERVER_PORT=LOCAL_PORT (LOCAL_PORT 0: any free port)`;
    ingressPorts.set(Number(m[1]), Number(m[2]));
  }
  const drain = Number(flags.drainTimeS);
  if (!Number.isFinite(drain) || drain < 0)
    return `--drain-time-s "${flags.drainTimeS}": expected seconds (>= 0)`;
  const ready = Number(flags.readyTimeoutS);
  if (!Number.isFinite(ready) || ready <= 0)
    return `--ready-timeout-s "${flags.readyTimeoutS}": expected seconds (> 0)`;
  return { xds, debug, ingressPorts, drainTimeMs: drain * 1000, readyTimeoutMs: ready * 1000 };
}

/** The transparent-mode flags, checked; a string names the flag at fault. */
function parseTransparentFlags(flags: Flags): TransparentOptions | string {
  try {
    const podCidr = parseIpv4Cidr('--pod-cidr', flags.podCidr);
    const serviceCidr = parseIpv4Cidr('--service-cidr', flags.serviceCidr);
    if (overlaps(podCidr, serviceCidr))
      return `--service-cidr ${serviceCidr.text} overlaps --pod-cidr ${podCidr.text}; they must be apart`;
    const proxyUid = Number(flags.proxyUid);
    if (!Number.isInteger(proxyUid) || proxyUid <= 0)
      return `--proxy-uid "${flags.proxyUid}": expected a UID other than 0 (root's traffic must stay redirected)`;
    // The sudo caller by default: files the applications write are the user's, not root's.
    const sudo =
      process.env['SUDO_UID'] === undefined
        ? undefined
        : `${process.env['SUDO_UID']}:${process.env['SUDO_GID'] ?? process.env['SUDO_UID']}`;
    const appUser = parseAppUser(
      flags.appUser ?? sudo ?? `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    );
    if (appUser === undefined || typeof appUser === 'string') return String(appUser);
    if (appUser.uid === proxyUid)
      return `--app-user ${appUser.uid}: the applications cannot run as the proxy UID (${proxyUid}), whose traffic is never redirected`;
    return {
      podCidr,
      serviceCidr,
      proxyUid,
      appUser,
      excludeOutboundPorts: parsePorts(
        '--exclude-outbound-ports',
        flags.excludeOutboundPorts,
        false,
      ) as number[],
      excludeOutboundCidrs: parseCidrs(
        '--exclude-outbound-cidrs',
        flags.excludeOutboundCidrs,
        false,
      ) as string[],
      excludeInboundPorts: parsePorts(
        '--exclude-inbound-ports',
        flags.excludeInboundPorts,
        false,
      ) as number[],
    };
  } catch (err) {
    return (err as Error).message;
  }
}

function hostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (m === null || Number(m[2]) > 65535) return undefined;
  return { host: m[1]!, port: Number(m[2]) };
}

/** `87 MB (44 MB)`: the RSS, and in brackets the PSS (shared pages, the node binary, divided up). */
function memoryText(m: InstanceStatus['sidecarMemory']): string {
  if (m === undefined) return '-';
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  return m.pss === undefined ? mb(m.rss) : `${mb(m.rss)} (${mb(m.pss)})`;
}
