/**
 * `kube-inject` on text: every document of a multi-document YAML stream is injected if it is a
 * workload, and printed back. Only the pod template of an injected document is rewritten (through
 * the YAML document model), so comments and formatting elsewhere, and every document that is not
 * injected, come out as they went in.
 */
import { type Document, parseAllDocuments } from 'yaml';
import { InjectError } from './inject-error.ts';
import { injectManifest, type ManifestInjection } from './inject-manifest.ts';
import type { InjectSettings } from './inject-settings.ts';

export interface DocumentReport {
  index: number;
  kind: string;
  name: string;
  outcome: ManifestInjection['outcome'] | 'error';
  reason: string;
}

export interface YamlInjection {
  text: string;
  reports: DocumentReport[];
  /** Syntax errors and injection errors; when non-empty, `text` should not be used. */
  errors: string[];
}

const TEMPLATE_PATH: Record<string, string[]> = {
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function rewrite(doc: Document, kind: string, injected: Record<string, unknown>): void {
  if (kind === 'Pod') {
    doc.setIn(['metadata'], doc.createNode(injected.metadata));
    doc.setIn(['spec'], doc.createNode(injected.spec));
    return;
  }
  const path = TEMPLATE_PATH[kind] ?? ['spec', 'template'];
  let template: unknown = injected;
  for (const key of path) template = (template as Record<string, unknown>)[key];
  doc.setIn(path, doc.createNode(template));
}

export function injectYamlText(text: string, settings: InjectSettings): YamlInjection {
  const docs = parseAllDocuments(text);
  const reports: DocumentReport[] = [];
  const errors: string[] = [];
  const parts: string[] = [];
  if (!Array.isArray(docs)) return { text: '', reports, errors: ['not a YAML stream'] };
  docs.forEach((doc, index) => {
    for (const e of doc.errors) errors.push(`document ${index + 1}: ${e.message.split('\n')[0]}`);
    if (doc.errors.length > 0) return;
    const object = doc.toJSON() as unknown;
    if (object === null) {
      if (doc.commentBefore || doc.comment) parts.push(printDocument(doc, index));
      return;
    }
    const meta = (object as { kind?: string; metadata?: { name?: string } } | null) ?? {};
    const kind = String(meta.kind ?? '');
    const name = String(meta.metadata?.name ?? '');
    try {
      const r = injectManifest(object, settings);
      if (r.outcome === 'injected') rewrite(doc, kind, r.object as Record<string, unknown>);
      reports.push({ index, kind, name, outcome: r.outcome, reason: r.reason });
    } catch (err) {
      if (!(err instanceof InjectError)) throw err;
      errors.push(`${err.message} [${err.code}]`);
      reports.push({ index, kind, name, outcome: 'error', reason: err.message });
    }
    parts.push(printDocument(doc, index));
  });
  return { text: parts.join(''), reports, errors };
}

function printDocument(doc: Document, index: number): string {
  const body = doc.toString({ lineWidth: 0 });
  const marker = index === 0 && !doc.directives?.docStart ? '' : '---\n';
  return body.startsWith('---') ? body : marker + body;
}
