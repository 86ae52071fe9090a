/**
 * `tandem.yaml`: what `tandem up DIR` runs. Every problem is reported with the file, the
 * workload and the field, and nothing starts until the file is valid.
 *
 *   namespace: default              # default for workloads
 *   ingress:                        # optional local ingress gateway (istio: ingressgateway)
 *     ports: [8080]                 # Gateway server ports it serves, bound on 127.0.0.1
 *     open: /productpage            # the path printed as the app's entry URL
 *   workloads:
 *     - name: reviews               # service name: http://reviews:9080
 *       version: v2                 # label `version` (subsets)
 *       labels: { team: books }     # more labels (`app` defaults to the name)
 *       serviceAccount: bookinfo-reviews
 *       command: [node, reviews.js] # or a string, run by sh -c
 *       cwd: services               # relative to DIR
 *       env: { STARS: "black" }
 *       ports: [9080]               # or [{ port: 9080, protocol: HTTP, name: http, targetPort: auto }]
 *       replicas: 1
 *       restart: always             # always | on-failure | never
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { isPort, type PortDecl, PROTOCOLS } from '../local/port-decl.ts';
import type { PortProtocol } from '../local/workload-spec.ts';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface WorkloadDecl {
  name: string;
  namespace: string;
  serviceAccount: string;
  labels: Record<string, string>;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  ports: PortDecl[];
  replicas: number;
  restart: RestartPolicy;
}

export interface IngressDecl {
  /** Gateway server ports served, each bound at 127.0.0.1:<same number> unless overridden. */
  ports: number[];
  open: string;
}

export interface UpManifest {
  file: string;
  dir: string;
  namespace: string;
  ingress: IngressDecl | undefined;
  workloads: WorkloadDecl[];
}

export const MANIFEST_FILE = 'tandem.yaml';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class ManifestError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Reads and checks DIR/tandem.yaml; throws ManifestError listing every problem. */
export function readManifest(dir: string): UpManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError([
      code === 'ENOENT'
        ? `${file}: not found; tandem up needs a ${MANIFEST_FILE} that lists the workloads to run`
        : `${file}: cannot read (${code ?? (err as Error).message})`,
    ]);
  }
  return parseManifest(text, file);
}

export function parseManifest(text: string, file: string): UpManifest {
  const problems: string[] = [];
  const doc = parseDocument(text);
  for (const e of doc.errors) problems.push(`${file}: ${e.message.split('\n')[0]}`);
  if (problems.length > 0) throw new ManifestError(problems);
  const root: unknown = doc.toJS();
  const at = (where: string, reason: string) => problems.push(`${file}: ${where}: ${reason}`);
  if (!isRecord(root)) throw new ManifestError([`${file}: expected a mapping with "workloads"`]);
  unknownKeys(root, ['namespace', 'ingress', 'workloads'], '(top level)', at);
  const namespace = optionalLabel(root['namespace'], 'namespace', 'default', at);
  const ingress = parseIngress(root['ingress'], at);
  const list = root['workloads'];
  const workloads: WorkloadDecl[] = [];
  if (!Array.isArray(list) || list.length === 0) at('workloads', 'a non-empty list of workloads is required');
  else
    list.forEach((raw, i) => {
      const w = parseWorkload(raw, i, namespace, path.dirname(file), at);
      if (w === undefined) return;
      if (
        workloads.some(
          (x) =>
            x.name === w.name && x.namespace === w.namespace && x.labels['version'] === w.labels['version'],
        )
      )
        at(
          `workloads[${i}] (${w.name})`,
          `a workload named "${w.name}" with the same version is declared twice`,
        );
      workloads.push(w);
    });
  if (problems.length > 0) throw new ManifestError(problems);
  return { file, dir: path.dirname(file), namespace, ingress, workloads };
}

type At = (where: string, reason: string) => void;

function parseIngress(raw: unknown, at: At): IngressDecl | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    at('ingress', 'expected a mapping with "ports"');
    return undefined;
  }
  unknownKeys(raw, ['ports', 'open'], 'ingress', at);
  const ports: number[] = [];
  if (!Array.isArray(raw['ports']) || raw['ports'].length === 0)
    at('ingress.ports', 'a non-empty list of ports is required');
  else
    raw['ports'].forEach((p, i) => {
      if (isPort(p)) ports.push(p);
      else at(`ingress.ports[${i}]`, `${JSON.stringify(p)} is not a port number (1-65535)`);
    });
  const open = raw['open'] ?? '/';
  if (typeof open !== 'string' || !open.startsWith('/')) at('ingress.open', 'must be a path starting with /');
  return { ports, open: String(open) };
}

function parseWorkload(
  raw: unknown,
  i: number,
  namespace: string,
  dir: string,
  at: At,
): WorkloadDecl | undefined {
  if (!isRecord(raw)) {
    at(`workloads[${i}]`, 'expected a mapping with "name" and "command"');
    return undefined;
  }
  const name = raw['name'];
  const where = typeof name === 'string' && name !== '' ? `workloads[${i}] (${name})` : `workloads[${i}]`;
  const field = (f: string) => `${where}.${f}`;
  unknownKeys(
    raw,
    [
      'name',
      'namespace',
      'serviceAccount',
      'version',
      'labels',
      'command',
      'cwd',
      'env',
      'ports',
      'replicas',
      'restart',
    ],
    where,
    at,
  );
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    at(field('name'), `${JSON.stringify(name)} is not a DNS label (lower-case letters, digits, -)`);
    return undefined;
  }
  const ns = optionalLabel(raw['namespace'], field('namespace'), namespace, at);
  const serviceAccount = optionalLabel(raw['serviceAccount'], field('serviceAccount'), 'default', at);
  const labels: Record<string, string> = { app: name };
  if (raw['labels'] !== undefined) {
    if (!isRecord(raw['labels'])) at(field('labels'), 'expected a mapping of label names to values');
    else
      for (const [k, v] of Object.entries(raw['labels'])) {
        if (typeof v !== 'string' && typeof v !== 'number')
          at(field(`labels.${k}`), 'label values are strings');
        else labels[k] = String(v);
      }
  }
  if (raw['version'] !== undefined) {
    if (typeof raw['version'] !== 'string' && typeof raw['version'] !== 'number')
      at(field('version'), 'expected a string');
    else labels['version'] = String(raw['version']);
  }
  const command = parseCommand(raw['command'], field('command'), at);
  const cwdRaw = raw['cwd'] ?? '.';
  if (typeof cwdRaw !== 'string') at(field('cwd'), 'expected a directory path');
  const env: Record<string, string> = {};
  if (raw['env'] !== undefined) {
    if (!isRecord(raw['env'])) at(field('env'), 'expected a mapping of variable names to values');
    else
      for (const [k, v] of Object.entries(raw['env'])) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) at(field(`env.${k}`), 'not a valid variable name');
        else if (typeof v === 'object' && v !== null) at(field(`env.${k}`), 'values are strings');
        else env[k] = String(v);
      }
  }
  const ports = parsePorts(raw['ports'], field('ports'), at);
  const replicas = raw['replicas'] ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 64)
    at(field('replicas'), `${JSON.stringify(replicas)} is not a whole number from 0 to 64`);
  const restart = raw['restart'] ?? 'always';
  if (restart !== 'always' && restart !== 'on-failure' && restart !== 'never')
    at(field('restart'), `${JSON.stringify(restart)} is not one of always, on-failure, never`);
  return {
    name,
    namespace: ns,
    serviceAccount,
    labels,
    command,
    cwd: path.resolve(dir, typeof cwdRaw === 'string' ? cwdRaw : '.'),
    env,
    ports,
    replicas: typeof replicas === 'number' ? replicas : 1,
    restart: restart as RestartPolicy,
  };
}

function parseCommand(raw: unknown, where: string, at: At): string[] {
  if (typeof raw === 'string' && raw.trim() !== '') return ['sh', '-c', raw];
  if (
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every((a) => typeof a === 'string' || typeof a === 'number')
  )
    return raw.map(String);
  at(where, 'required: a list of arguments, or a string run by sh -c');
  return [];
}

function parsePorts(raw: unknown, where: string, at: At): PortDecl[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    at(where, 'expected a list of ports');
    return [];
  }
  const out: PortDecl[] = [];
  for (const [i, p] of raw.entries()) {
    const here = `${where}[${i}]`;
    const decl = typeof p === 'number' ? { port: p } : p;
    if (!isRecord(decl)) {
      at(here, 'expected a port number or a mapping with "port"');
      continue;
    }
    unknownKeys(decl, ['port', 'protocol', 'name', 'targetPort'], here, at);
    if (!isPort(decl['port'])) {
      at(`${here}.port`, `${JSON.stringify(decl['port'])} is not a port number (1-65535)`);
      continue;
    }
    const protocol = String(decl['protocol'] ?? 'HTTP').toUpperCase() as PortProtocol;
    if (!PROTOCOLS.includes(protocol)) {
      at(`${here}.protocol`, `"${decl['protocol']}" is not one of ${PROTOCOLS.join(', ')}`);
      continue;
    }
    const target = decl['targetPort'] ?? 'auto';
    if (target !== 'auto' && !isPort(target)) {
      at(`${here}.targetPort`, `${JSON.stringify(target)} is not a port number or "auto"`);
      continue;
    }
    if (decl['name'] !== undefined && (typeof decl['name'] !== 'string' || !DNS_LABEL.test(decl['name']))) {
      at(`${here}.name`, `${JSON.stringify(decl['name'])} is not a DNS label`);
      continue;
    }
    if (out.some((o) => o.port === decl['port'])) {
      at(`${here}.port`, `port ${decl['port']} is declared twice`);
      continue;
    }
    out.push({
      ...(decl['name'] !== undefined ? { name: decl['name'] as string } : {}),
      port: decl['port'],
      protocol,
      targetPort: target as number | 'auto',
    });
  }
  return out;
}

function optionalLabel(raw: unknown, where: string, fallback: string, at: At): string {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !DNS_LABEL.test(raw)) {
    at(where, `${JSON.stringify(raw)} is not a DNS label`);
    return fallback;
  }
  return raw;
}

function unknownKeys(obj: Record<string, unknown>, known: string[], where: string, at: At): void {
  for (const k of Object.keys(obj))
    if (!known.includes(k)) at(where, `unknown field "${k}" (known: ${known.join(', ')})`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
