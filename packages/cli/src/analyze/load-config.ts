/** Reads config files into validated objects, issues and workload labels (for the analyzer's registry). */
import { readFile } from 'node:fs/promises';
import {
  type IstioIssue,
  IstioIssueCode,
  type IstioObject,
  readIstioConfig,
  readWorkloadLabels,
  type WorkloadLabels,
} from '@tandem/api';

export interface LoadedConfig {
  files: number;
  documents: number;
  objects: IstioObject[];
  workloads: WorkloadLabels[];
  issues: IstioIssue[];
}

/** Loads `files`; Kubernetes workloads (Deployments, Pods, ...) become workload labels instead of notices. */
export async function loadConfig(files: readonly string[]): Promise<LoadedConfig> {
  const loaded: LoadedConfig = { files: files.length, documents: 0, objects: [], workloads: [], issues: [] };
  for (const file of files) {
    const read = readIstioConfig(await readFile(file, 'utf8'), file);
    loaded.documents += read.documents.length;
    loaded.objects.push(...read.objects);
    const workloads = read.documents.map((d) => readWorkloadLabels(d.raw)).filter((w) => w !== undefined);
    loaded.workloads.push(...workloads);
    const workloadRefs = new Set(workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`));
    loaded.issues.push(
      ...read.issues.filter(
        (i) =>
          i.code !== IstioIssueCode.unsupportedKind ||
          !workloadRefs.has(`${i.object?.kind} ${i.object?.namespace}/${i.object?.name}`),
      ),
    );
  }
  return loaded;
}
