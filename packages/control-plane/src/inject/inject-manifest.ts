/**
 * Injection of workload manifests (what `tandem kube-inject` reads): the pod template of a
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob, or a Pod itself. Other kinds, and
 * `List` items of other kinds, come back unchanged.
 */
import { InjectError, InjectErrorCode } from './inject-error.ts';
import { type InjectContext, type InjectResult, injectPod } from './inject-pod.ts';
import type { InjectSettings } from './inject-settings.ts';
import { isRecord, type ObjectMeta, type Pod, type PodTemplate } from './kube-pod.ts';

/** Where each workload kind keeps its pod template. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface ManifestInjection {
  /** The object to print: injected, or the input itself when nothing was done. */
  object: unknown;
  /** `injected`, `skipped` (a workload the rules exclude, with the reason) or `ignored` (not a workload). */
  outcome: 'injected' | 'skipped' | 'ignored';
  reason: string;
}

function templateOf(object: Record<string, unknown>, path: readonly string[]): PodTemplate | undefined {
  let at: unknown = object;
  for (const key of path) at = isRecord(at) ? at[key] : undefined;
  return isRecord(at) && isRecord(at.spec) && Array.isArray(at.spec.containers)
    ? (at as unknown as PodTemplate)
    : undefined;
}

function withTemplate(
  object: Record<string, unknown>,
  path: readonly string[],
  template: PodTemplate,
): unknown {
  const copy = structuredClone(object);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]!] = template;
  return copy;
}

function describe(object: Record<string, unknown>): string {
  const meta = isRecord(object.metadata) ? (object.metadata as ObjectMeta) : {};
  return `${String(object.kind)} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '(unnamed)'}`;
}

export function injectManifest(object: unknown, settings: InjectSettings): ManifestInjection {
  if (!isRecord(object) || typeof object.kind !== 'string')
    return { object, outcome: 'ignored', reason: 'not a Kubernetes object' };
  const kind = object.kind;
  const meta = isRecord(object.metadata) ? (object.metadata as ObjectMeta) : {};
  if (kind === 'Pod') {
    if (!isRecord(object.spec) || !Array.isArray(object.spec.containers))
      return { object, outcome: 'ignored', reason: 'Pod without containers' };
    const result = guarded(object, () =>
      injectPod(object as unknown as Pod, settings, { namespace: meta.namespace }),
    );
    return outcomeOf(result.injected ? result.pod : object, result);
  }
  const path = TEMPLATE_PATHS[kind];
  const template = path === undefined ? undefined : templateOf(object, path);
  if (path === undefined || template === undefined)
    return { object, outcome: 'ignored', reason: `${kind} has no pod template` };
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'apps/v1';
  const context: InjectContext = {
    namespace: meta.namespace,
    workload: { apiVersion, kind, name: meta.name ?? template.metadata?.name ?? 'unknown' },
  };
  const result = guarded(object, () => injectPod(template as Pod, settings, context));
  return outcomeOf(result.injected ? withTemplate(object, path, result.pod as PodTemplate) : object, result);
}

/** Runs `fn`, prefixing an injection error with the object it is about. */
function guarded(object: Record<string, unknown>, fn: () => InjectResult): InjectResult {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InjectError) throw new InjectError(err.code, `${describe(object)}: ${err.message}`);
    throw err;
  }
}

function outcomeOf(object: unknown, r: InjectResult): ManifestInjection {
  return { object, outcome: r.injected ? 'injected' : 'skipped', reason: r.reason };
}

export { InjectError, InjectErrorCode };
