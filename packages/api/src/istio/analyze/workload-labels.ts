/**
 * Workloads as the analyzer needs them: a namespace and the pod labels, read from Kubernetes workload objects
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod).
 */
import { isPlainObject } from '../../envoy/schema/schema.ts';

export interface WorkloadLabels {
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['metadata'],
  Deployment: ['spec', 'template', 'metadata'],
  StatefulSet: ['spec', 'template', 'metadata'],
  DaemonSet: ['spec', 'template', 'metadata'],
  ReplicaSet: ['spec', 'template', 'metadata'],
  ReplicationController: ['spec', 'template', 'metadata'],
  Job: ['spec', 'template', 'metadata'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
};

function dig(raw: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, key) => (isPlainObject(at) ? at[key] : undefined), raw);
}

function stringMap(raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The pod labels of a Kubernetes workload object, or `undefined` for other kinds. */
export function readWorkloadLabels(
  raw: Record<string, unknown>,
  defaultNamespace = 'default',
): WorkloadLabels | undefined {
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const path = TEMPLATE_PATHS[kind];
  if (path === undefined) return undefined;
  const meta = dig(raw, ['metadata']);
  const name = dig(meta, ['name']);
  const namespace = dig(meta, ['namespace']);
  return {
    kind,
    name: typeof name === 'string' ? name : '',
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : defaultNamespace,
    labels: stringMap(dig(raw, [...path, 'labels'])),
  };
}
