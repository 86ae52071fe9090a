/**
 * `tandem run --name NAME [--port P ...] -- COMMAND...`: runs one workload with its sidecar,
 * against a running control plane (`tandem control-plane`, or the one `tandem up` starts). The
 * workload registers itself through its sidecar and leaves the mesh when it stops. Lifecycle:
 * the command starts once the sidecar is ready, `tandem run` exits with the command's exit code,
 * and SIGTERM drains (see local/workload-runner.ts).
 *
 * Exit codes: the command's own; 1 for invalid flags; 2 when the sidecar cannot get ready;
 * 127 when the command cannot be started.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { WorkloadIdentityOptions } from '@tandem/proxy';
import type { Command } from 'commander';
import { type AppUser, parseAppUser } from '../local/app-process.ts';
import { freePorts } from '../local/free-ports.ts';
import { isPort, type PortDecl, parsePortFlag, resolvePorts } from '../local/port-decl.ts';
import { WorkloadRunner } from '../local/workload-runner.ts';
import type { TransparentSpec, WorkloadSpec } from '../local/workload-spec.ts';

interface Flags {
  name: string;
  namespace: string;
  serviceAccount: string;
  version?: string;
  label: string[];
  port: string[];
  instance?: string;
  controlPlane: string;
  proxyPort?: string;
  adminPort: string;
  drainTimeS: string;
  readyTimeoutS: string;
  quiet?: boolean;
  caTokenFile?: string;
  caAddress?: string;
  trustDomain: string;
  transparent?: boolean;
  podIp?: string;
  serviceAddress?: string;
  appUser?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function addRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run one workload with its sidecar against a running control plane.')
    .argument('<command...>', 'the application, after --')
    .requiredOption('--name <service>', 'service name: others call it as http://NAME:PORT')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--service-account <sa>', 'service account (identity)', 'default')
    .option('--version <version>', 'the version label (for subsets)')
    .option('-l, --label <key=value>', 'a workload label (repeatable)', collect, [])
    .option(
      '-p, --port <spec>',
      'a served port, [NAME=]PORT[:APP_PORT|:auto][/PROTOCOL] (repeatable)',
      collect,
      [],
    )
    .option('--instance <name>', 'instance name (default NAME-<random>)')
    .option(
      '--control-plane <host:port>',
      'xDS address of the control plane',
      process.env['TANDEM_CONTROL_PLANE'] ?? '127.0.0.1:15010',
    )
    .option('--proxy-port <port>', "the sidecar's HTTP proxy port (default: any free port)")
    .option('--admin-port <port>', "the sidecar's admin port (0: any)", '0')
    .option(
      '--drain-time-s <seconds>',
      'on SIGTERM: time for in-flight requests, then for the app to exit',
      '5',
    )
    .option('--ready-timeout-s <seconds>', 'how long to wait for the control plane', '60')
    .option(
      '--ca-token-file <file>',
      "mTLS: get the workload's certificate from the control plane's CA with this credential (tandem ca token)",
      process.env['TANDEM_CA_TOKEN_FILE'],
    )
    .option('--ca-address <host:port>', 'the CA (default: the control plane)')
    .option('--trust-domain <domain>', 'SPIFFE trust domain', 'cluster.local')
    .option(
      '--transparent',
      'transparent interception: run inside a pod whose iptables rules send its TCP to this sidecar (tandem iptables; tandem up --transparent does it all); the command gets no HTTP_PROXY',
    )
    .option('--pod-ip <ip>', "with --transparent: the pod's IP, where peers reach this workload")
    .option('--service-address <ip>', "with --transparent: the service's virtual IP, for the control plane")
    .option('--app-user <uid[:gid]>', "run the command as this user (transparent: never the sidecar's UID)")
    .option('-q, --quiet', "leave out the sidecar's routine config updates (problems are still shown)")
    .passThroughOptions()
    .addHelpText(
      'after',
      '\nThe command gets PORT (its first port), TANDEM_PORT_<port> and, in explicit mode, HTTP_PROXY pointing at the sidecar.' +
        '\nExample: tandem run --name reviews --version v2 --port 9080:auto -- node reviews.js',
    )
    .action(async (command: string[], flags: Flags) => {
      process.exitCode = await run(command, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function run(command: string[], flags: Flags): Promise<number> {
  const write = (line: string): void => void process.stderr.write(`tandem run: ${line}\n`);
  const log = flags.quiet ? (line: string) => routine(line) || write(line) : write;
  const parsed = await parseFlags(flags);
  if (typeof parsed === 'string') {
    log(parsed);
    return 1;
  }
  const runner = new WorkloadRunner({
    spec: parsed.spec,
    command,
    drainTimeMs: parsed.drainTimeMs,
    readyTimeoutMs: parsed.readyTimeoutMs,
    identity: parsed.identity,
    appUser: parsed.appUser,
    log,
  });
  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signalled > 1) {
      log(`${signal} again: stopping now`);
      runner.kill();
    } else void runner.terminate(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const readyMs = await runner.start();
    log(describe(parsed.spec, runner.adminPort, readyMs));
  } catch (err) {
    log((err as Error).message);
  }
  const code = await runner.exited;
  process.exit(code);
}

function describe(spec: WorkloadSpec, adminPort: number, readyMs: number): string {
  const serves = spec.ports
    .map((p) => `${spec.service}:${p.port} -> sidecar :${p.endpointPort} -> app :${p.targetPort}`)
    .join(', ');
  const outbound =
    spec.transparent === undefined
      ? `HTTP_PROXY=http://127.0.0.1:${spec.proxyPort}`
      : `transparent in pod ${spec.transparent.podIp}`;
  return `${spec.instance} ready in ${Math.round(readyMs)} ms; ${outbound}, sidecar admin :${adminPort}${serves ? `; ${serves}` : ''}`;
}

async function parseFlags(flags: Flags): Promise<
  | {
      spec: WorkloadSpec;
      drainTimeMs: number;
      readyTimeoutMs: number;
      identity?: WorkloadIdentityOptions;
      appUser?: AppUser;
    }
  | string
> {
  if (!DNS_LABEL.test(flags.name)) return `--name "${flags.name}": must be a DNS label (a-z, 0-9, -)`;
  if (!DNS_LABEL.test(flags.namespace)) return `--namespace "${flags.namespace}": must be a DNS label`;
  const labels: Record<string, string> = { app: flags.name };
  if (flags.version !== undefined) labels['version'] = flags.version;
  for (const l of flags.label) {
    const eq = l.indexOf('=');
    if (eq <= 0) return `--label "${l}": expected key=value`;
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const decls: PortDecl[] = [];
  for (const p of flags.port) {
    const d = parsePortFlag(p);
    if (typeof d === 'string') return d;
    if (decls.some((x) => x.port === d.port)) return `--port "${p}": port ${d.port} is declared twice`;
    decls.push(d);
  }
  const cp = /^\[?([^\]]*?)\]?:(\d+)$/.exec(flags.controlPlane);
  if (cp === null || !isPort(Number(cp[2])))
    return `--control-plane "${flags.controlPlane}": expected host:port`;
  const drainTimeMs = seconds(flags.drainTimeS);
  if (drainTimeMs === undefined) return `--drain-time-s "${flags.drainTimeS}": expected seconds (>= 0)`;
  const readyTimeoutMs = seconds(flags.readyTimeoutS);
  if (readyTimeoutMs === undefined || readyTimeoutMs === 0)
    return `--ready-timeout-s "${flags.readyTimeoutS}": expected seconds (> 0)`;
  const adminPort = Number(flags.adminPort);
  if (!(adminPort === 0 || isPort(adminPort))) return `--admin-port "${flags.adminPort}": not a port`;
  const transparent = parseTransparent(flags);
  if (typeof transparent === 'string') return transparent;
  const appUser = parseAppUser(flags.appUser);
  if (typeof appUser === 'string') return appUser;
  let proxyPort: number;
  if (transparent !== undefined) {
    proxyPort = 0; // iptables brings the application's calls; there is no HTTP proxy port
  } else if (flags.proxyPort !== undefined) {
    proxyPort = Number(flags.proxyPort);
    if (!isPort(proxyPort)) return `--proxy-port "${flags.proxyPort}": not a port`;
  } else {
    [proxyPort] = (await freePorts(1)) as [number];
  }
  const instance = flags.instance ?? `${flags.name}-${randomBytes(3).toString('hex')}`;
  if (!DNS_LABEL.test(instance)) return `--instance "${instance}": must be a DNS label`;
  let identity: WorkloadIdentityOptions | undefined;
  if (flags.caTokenFile !== undefined) {
    const file = flags.caTokenFile;
    try {
      readFileSync(file, 'utf8');
    } catch (err) {
      return `--ca-token-file "${file}": cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    const caAddress = flags.caAddress ?? flags.controlPlane;
    if (!/^\[?[^\]]*?\]?:\d+$/.test(caAddress)) return `--ca-address "${caAddress}": expected host:port`;
    identity = {
      caAddress,
      // Read for every request: a rotated token file is picked up.
      token: () => readFileSync(file, 'utf8').trim(),
      trustDomain: flags.trustDomain,
      namespace: flags.namespace,
      serviceAccount: flags.serviceAccount,
    };
  } else if (flags.caAddress !== undefined) {
    return '--ca-address needs --ca-token-file (the credential the CA checks)';
  }
  return {
    identity,
    appUser,
    spec: {
      service: flags.name,
      instance,
      namespace: flags.namespace,
      serviceAccount: flags.serviceAccount,
      labels,
      ports: await resolvePorts(decls, transparent === undefined ? 'explicit' : 'transparent'),
      proxyPort,
      adminPort,
      controlPlane: { host: cp[1]!, port: Number(cp[2]) },
      ...(transparent === undefined ? {} : { transparent }),
    },
    drainTimeMs,
    readyTimeoutMs,
  };
}

function parseTransparent(flags: Flags): TransparentSpec | undefined | string {
  if (!flags.transparent) {
    if (flags.podIp !== undefined || flags.serviceAddress !== undefined)
      return '--pod-ip and --service-address go with --transparent';
    return undefined;
  }
  if (flags.podIp === undefined) return "--transparent needs --pod-ip (the pod's address)";
  if (isIP(flags.podIp) === 0) return `--pod-ip "${flags.podIp}": not an IP address`;
  if (flags.serviceAddress !== undefined && isIP(flags.serviceAddress) === 0)
    return `--service-address "${flags.serviceAddress}": not an IP address`;
  return {
    podIp: flags.podIp,
    ...(flags.serviceAddress === undefined ? {} : { serviceAddress: flags.serviceAddress }),
  };
}

function seconds(text: string): number | undefined {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

/** A sidecar line about config applied as asked (`cds: cluster "x" added ...`), not a problem. */
function routine(line: string): boolean {
  return (
    /^sidecar: (cds|lds|rds|eds): /.test(line) && !/reject|fail|error|invalid|timeout|without/i.test(line)
  );
}
