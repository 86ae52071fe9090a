/**
 * Splits a YAML (or JSON) file into Kubernetes objects: every document of a multi-document stream, with
 * `List` items expanded and empty documents skipped. Syntax errors name the file, line and column.
 */
import { parseAllDocuments } from 'yaml';
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { isPlainObject } from '../../envoy/schema/schema.ts';
import { type IstioIssue, istioIssue } from '../istio-issue.ts';
import { applyGoYamlCompat } from './go-yaml-compat.ts';

export interface IstioDocument {
  /** The object as parsed (apiVersion, kind, metadata, spec, ...). */
  raw: Record<string, unknown>;
  /** Where it came from, for messages and tests. */
  file: string;
  /** 0-based index of the YAML document in the file. */
  index: number;
  /** Index within a `List` document's `items`, or -1. */
  item: number;
  apiVersion: string;
  kind: string;
}

export interface ParsedIstioFile {
  documents: IstioDocument[];
  /** Syntax errors and documents that are not objects. */
  issues: IstioIssue[];
}

interface Positioned {
  readonly message: string;
  readonly linePos?: readonly [{ line: number; col: number }, ...unknown[]] | undefined;
}

function syntaxIssue(file: string, error: Positioned): IstioIssue {
  const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const where =
    error.linePos === undefined ? '' : `line ${error.linePos[0].line}, column ${error.linePos[0].col}: `;
  return istioIssue(file, undefined, {
    path: '',
    message: `${where}${reason}`,
    code: ConfigIssueCode.syntax,
  });
}

function documentOf(raw: Record<string, unknown>, file: string, index: number, item: number): IstioDocument {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { raw, file, index, item, apiVersion: text(raw.apiVersion), kind: text(raw.kind) };
}

function isList(raw: Record<string, unknown>): boolean {
  return typeof raw.kind === 'string' && raw.kind.endsWith('List') && Array.isArray(raw.items);
}

/**
 * Parses `text` from `fileName` into documents.
 *
 * @example
 * const { documents, issues } = parseIstioDocuments(readFileSync(f, 'utf8'), f);
 */
export function parseIstioDocuments(text: string, fileName: string): ParsedIstioFile {
  const documents: IstioDocument[] = [];
  const issues: IstioIssue[] = [];
  parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      issues.push(...doc.errors.map((e) => syntaxIssue(fileName, e)));
      return;
    }
    let value: unknown;
    try {
      applyGoYamlCompat(doc, text);
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      issues.push(syntaxIssue(fileName, error as Positioned));
      return;
    }
    if (value === null || value === undefined) return;
    if (!isPlainObject(value)) {
      const message = `document ${index + 1} is not an object (expected apiVersion, kind, metadata, spec)`;
      issues.push(istioIssue(fileName, undefined, { path: '', message, code: ConfigIssueCode.syntax }));
    } else if (isList(value)) {
      (value.items as unknown[]).forEach((item, i) => {
        if (isPlainObject(item)) documents.push(documentOf(item, fileName, index, i));
      });
    } else {
      documents.push(documentOf(value, fileName, index, -1));
    }
  });
  return { documents, issues };
}
