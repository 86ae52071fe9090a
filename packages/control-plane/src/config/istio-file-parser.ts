/**
 * Parses one config file into what the store needs: the valid objects, the rejected ones (grouped
 * by object, so the store can keep an earlier valid version of exactly that object) and notices.
 */
import { type IstioIssue, isErrorIssue, readIstioConfig } from '@tandem/api';
import type { FileParse } from './config-store.ts';

export function parseIstioFile(text: string, file: string): FileParse {
  const read = readIstioConfig(text, file);
  const byObject = new Map<string, { key: string | undefined; issues: IstioIssue[] }>();
  const notices: IstioIssue[] = [];
  for (const issue of read.issues) {
    if (!isErrorIssue(issue)) {
      notices.push(issue);
      continue;
    }
    const ref = issue.object;
    const key = ref === undefined ? undefined : `${ref.kind}/${ref.namespace}/${ref.name}`;
    const slot = key ?? `file:${file}`;
    let entry = byObject.get(slot);
    if (entry === undefined) byObject.set(slot, (entry = { key, issues: [] }));
    entry.issues.push(issue);
  }
  return { objects: read.objects, rejected: [...byObject.values()], notices };
}
