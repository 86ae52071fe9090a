import { parseConfigText } from './parse-config-text.ts';
import { type BootstrapValidation, validateBootstrap } from './validate-bootstrap.ts';

/**
 * Reads an Envoy v3 bootstrap from the text of a YAML or JSON file and validates it. `fileName` only labels
 * syntax errors.
 *
 * @example
 * const result = parseBootstrapText(await readFile(path, 'utf8'), path);
 * if (!result.ok) for (const e of result.errors) console.error(formatConfigIssue(e));
 */
export function parseBootstrapText(text: string, fileName: string): BootstrapValidation {
  const parsed = parseConfigText(text, fileName);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: [] };
  return validateBootstrap(parsed.value);
}
