import { bootstrap } from '../bootstrap/bootstrap.ts';
import { ADS_DEFINITION } from '../bootstrap/dynamic-resources.ts';
import type { ConfigIssue } from '../config-issue.ts';
import { ValidationContext } from '../schema/validation-context.ts';
import type { Bootstrap } from '../types.ts';
import { ensureBuiltinExtensions } from './builtin-extensions.ts';
import { checkReferences } from './check-references.ts';

export type BootstrapValidation =
  | { ok: true; bootstrap: Bootstrap; warnings: ConfigIssue[] }
  | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };

/**
 * Checks a parsed Envoy v3 bootstrap (YAML/JSON already turned into plain values) against the subset Tandem
 * supports, and turns it into the domain types. Reports every error found, not just the first; fields that
 * Tandem accepts but ignores become warnings.
 *
 * @example
 * const result = validateBootstrap({ static_resources: { clusters: [{ name: 'a', type: 'STATIC' }] } });
 * if (result.ok) result.bootstrap.staticResources.clusters[0].connectTimeoutMs; // 5000
 * else for (const e of result.errors) console.error(formatConfigIssue(e));
 */
export function validateBootstrap(raw: unknown): BootstrapValidation {
  ensureBuiltinExtensions();
  const ctx = ValidationContext.root();
  const value = bootstrap.parse(raw, ctx);
  checkReferences(ctx, { adsConfigured: ctx.isDefined('ads', ADS_DEFINITION) });
  const warnings = [...ctx.warnings];
  if (ctx.errorCount > 0 || value === undefined) return { ok: false, errors: [...ctx.errors], warnings };
  return { ok: true, bootstrap: value, warnings };
}
