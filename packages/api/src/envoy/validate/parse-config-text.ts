import { parseAllDocuments } from 'yaml';
import type { ConfigIssue } from '../config-issue.ts';
import { ConfigIssueCode } from '../issue-codes.ts';

export type ConfigTextResult = { ok: true; value: unknown } | { ok: false; errors: ConfigIssue[] };

interface Positioned {
  readonly message: string;
  readonly linePos?: readonly [{ line: number; col: number }, ...unknown[]] | undefined;
}

function syntaxError(fileName: string, error: Positioned): ConfigIssue {
  const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const where =
    error.linePos === undefined ? '' : `line ${error.linePos[0].line}, column ${error.linePos[0].col}: `;
  return { path: fileName, message: `${where}${reason}`, code: ConfigIssueCode.syntax };
}

/**
 * Parses a config file as YAML (which includes JSON) into plain values. Syntax errors name the file, line
 * and column; a file must hold exactly one document.
 */
export function parseConfigText(text: string, fileName: string): ConfigTextResult {
  const empty: ConfigTextResult = {
    ok: false,
    errors: [{ path: fileName, message: 'the file holds no configuration', code: ConfigIssueCode.syntax }],
  };
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(documents) || documents.length === 0) return empty;
  const errors = documents.flatMap((document) =>
    document.errors.map((error) => syntaxError(fileName, error)),
  );
  if (errors.length > 0) return { ok: false, errors };
  if (documents.length > 1) {
    const second = documents[1]!.range[0];
    const line = text.slice(0, second).split('\n').length;
    const message = `line ${line}: expected a single YAML document, found ${documents.length}`;
    return { ok: false, errors: [{ path: fileName, message, code: ConfigIssueCode.syntax }] };
  }
  try {
    const value: unknown = documents[0]!.toJS({ maxAliasCount: 1000 });
    return value === null || value === undefined ? empty : { ok: true, value };
  } catch (error) {
    return { ok: false, errors: [syntaxError(fileName, error as Positioned)] };
  }
}
