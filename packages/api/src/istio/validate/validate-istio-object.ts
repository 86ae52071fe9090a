/**
 * One Kubernetes-style object (apiVersion, kind, metadata, spec) in, a checked `IstioObject` out, or the
 * reasons it cannot be used. Every issue names the file, the object and the field path.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { describeJson, isPlainObject } from '../../envoy/schema/schema.ts';
import { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { type IstioIssue, type IstioObjectRef, istioIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { IstioObject, ObjectMeta } from '../types.ts';
import { findRecognizedKind, findSupportedKind, type SupportedKind } from './kinds.ts';
import { DEFAULT_NAMESPACE, readObjectMeta } from './object-meta.ts';

export type IstioValidation =
  | { ok: true; object: IstioObject; warnings: IstioIssue[] }
  /** `supported: false` (with no errors) is a valid object of a kind Tandem does not apply. */
  | { ok: false; errors: IstioIssue[]; warnings: IstioIssue[]; supported: boolean };

export interface ValidateOptions {
  /** Namespace for objects that name none (as `kubectl apply` without `-n`). Default `default`. */
  readonly defaultNamespace?: string;
}

const ENVELOPE = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

function warnTopLevel(raw: Record<string, unknown>, ctx: ValidationContext, specAt: 'spec' | 'top'): void {
  if (specAt === 'top') return;
  for (const key of Object.keys(raw)) {
    if (!ENVELOPE.has(key))
      ctx.field(key).warn(IstioIssueCode.unknownTopLevelField, `unknown top-level field "${key}" is ignored`);
  }
}

/** The spec to validate, or `undefined` after reporting a missing or non-object spec. */
function specOf(
  raw: Record<string, unknown>,
  specAt: 'spec' | 'top',
  ctx: ValidationContext,
): Record<string, unknown> | undefined {
  if (specAt === 'top') return Object.fromEntries(Object.entries(raw).filter(([key]) => !ENVELOPE.has(key)));
  if (!('spec' in raw)) {
    ctx.field('spec').error(ConfigIssueCode.required, 'missing required field "spec"');
    return undefined;
  }
  if (!isPlainObject(raw.spec)) {
    ctx.field('spec').error(ConfigIssueCode.type, `spec must be an object, got ${describeJson(raw.spec)}`);
    return undefined;
  }
  return raw.spec;
}

function validateSupported(
  def: SupportedKind,
  raw: Record<string, unknown>,
  meta: ObjectMeta,
  ctx: ValidationContext,
) {
  warnTopLevel(raw, ctx, def.specAt);
  def.checkName?.(meta, ctx.field('metadata').field('name'));
  const specCtx = def.specAt === 'spec' ? ctx.field('spec') : ctx;
  const spec = specOf(raw, def.specAt, ctx);
  if (spec === undefined) return undefined;
  const before = ctx.errorCount;
  const value = def.schema.parse(spec, specCtx);
  if (ctx.errorCount > before || value === undefined) return undefined;
  def.withMeta?.(value as never, meta, specCtx);
  return value;
}

function checkRecognized(
  apiVersion: string,
  kind: string,
  raw: Record<string, unknown>,
  ctx: ValidationContext,
): void {
  const def = findRecognizedKind(apiVersion, kind);
  const versions = findSupportedKind(kind)?.apiVersions;
  const note =
    versions !== undefined
      ? `${kind} is read as ${versions.join(', ')}`
      : def === undefined
        ? 'Tandem does not read this kind'
        : def.note;
  ctx.warn(
    IstioIssueCode.unsupportedKind,
    `${apiVersion} ${kind} is not supported by Tandem (${note}); the object is not applied`,
  );
  if (def === undefined) return;
  warnTopLevel(raw, ctx, 'spec');
  const spec = specOf(raw, 'spec', ctx);
  if (spec !== undefined) def.check(spec, ctx.field('spec'));
}

function envelope(raw: unknown, ctx: ValidationContext): { apiVersion: string; kind: string } | undefined {
  if (!isPlainObject(raw)) {
    ctx.error(
      IstioIssueCode.object,
      `expected a Kubernetes object (apiVersion, kind, metadata), got ${describeJson(raw)}`,
    );
    return undefined;
  }
  const { apiVersion, kind } = raw;
  if (typeof apiVersion !== 'string' || apiVersion === '')
    ctx.field('apiVersion').error(IstioIssueCode.object, 'missing apiVersion');
  if (typeof kind !== 'string' || kind === '') ctx.field('kind').error(IstioIssueCode.object, 'missing kind');
  return typeof apiVersion === 'string' && typeof kind === 'string' && apiVersion && kind
    ? { apiVersion, kind }
    : undefined;
}

/**
 * Validates one object read from `source` (a file name, for messages).
 *
 * @example
 * const r = validateIstioObject(yaml.parse(text), 'reviews.yaml');
 * if (r.ok) use(r.object); else for (const e of r.errors) console.log(e.message);
 */
export function validateIstioObject(
  raw: unknown,
  source: string,
  options: ValidateOptions = {},
): IstioValidation {
  const ctx = ValidationContext.root();
  const head = envelope(raw, ctx);
  const record = raw as Record<string, unknown>;
  const def = head && findSupportedKind(head.kind);
  const known =
    def !== undefined || (head !== undefined && findRecognizedKind(head.apiVersion, head.kind) !== undefined);
  // Metadata problems of kinds Tandem does not read at all are not Tandem's to report.
  const metaCtx = known ? ctx.field('metadata') : ValidationContext.root();
  const meta =
    head === undefined
      ? undefined
      : readObjectMeta(record.metadata, metaCtx, source, options.defaultNamespace ?? DEFAULT_NAMESPACE);
  const ref: IstioObjectRef | undefined = head &&
    meta && { kind: head.kind, namespace: meta.namespace, name: meta.name || '(unnamed)' };
  const supported = def !== undefined && head !== undefined && def.apiVersions.includes(head.apiVersion);
  let spec: unknown;
  if (head !== undefined && meta !== undefined) {
    if (supported) spec = validateSupported(def, record, meta, ctx);
    else checkRecognized(head.apiVersion, head.kind, record, ctx);
  }
  const wrap = (issues: readonly { path: string; message: string; code: string }[]) =>
    issues.map((i) => istioIssue(source, ref, i));
  const errors = wrap(ctx.errors);
  const warnings = wrap(ctx.warnings);
  if (errors.length > 0 || !supported || spec === undefined || meta === undefined)
    return { ok: false, errors, warnings, supported };
  return { ok: true, object: { kind: def.kind, meta, spec } as IstioObject, warnings };
}
