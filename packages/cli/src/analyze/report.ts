/** How `tandem analyze` prints its findings: one line per issue and a summary, or one JSON document. */
import { formatIstioIssue, type IstioIssue, IstioIssueCode, isErrorIssue } from '@tandem/api';

export interface AnalyzeSummary {
  files: number;
  objects: number;
  workloads: number;
  errors: number;
  warnings: number;
  notSupported: number;
}

export function summarize(
  issues: readonly IstioIssue[],
  counts: Pick<AnalyzeSummary, 'files' | 'objects' | 'workloads'>,
): AnalyzeSummary {
  const notSupported = issues.filter((i) => i.code === IstioIssueCode.unsupportedKind).length;
  const errors = issues.filter(isErrorIssue).length;
  return { ...counts, errors, warnings: issues.length - errors - notSupported, notSupported };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatText(issues: readonly IstioIssue[], summary: AnalyzeSummary): string {
  const lines = issues.map(formatIstioIssue);
  const verdict = summary.errors > 0 ? 'FAILED' : 'OK';
  lines.push(
    `${verdict}: ${plural(summary.files, 'file')}, ${plural(summary.objects, 'valid object')}, ${plural(summary.workloads, 'workload')}: ` +
      `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.notSupported} not supported`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(issues: readonly IstioIssue[], summary: AnalyzeSummary): string {
  const rows = issues.map((i) => ({
    severity: isErrorIssue(i) ? 'error' : i.code === IstioIssueCode.unsupportedKind ? 'notice' : 'warning',
    code: i.code,
    file: i.file,
    kind: i.object?.kind,
    namespace: i.object?.namespace,
    name: i.object?.name,
    path: i.path,
    reason: i.reason,
    message: i.message,
  }));
  return `${JSON.stringify({ summary, issues: rows }, null, 2)}\n`;
}
