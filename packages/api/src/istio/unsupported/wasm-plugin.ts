/** Checks for extensions.istio.io WasmPlugin (not applied by Tandem). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import {
  type Json,
  listField,
  nonEmptyString,
  objectField,
  portField,
  stringField,
  workloadSelectorField,
} from './raw-checks.ts';

const SCHEMES = ['http', 'https', 'oci', 'file'];

function checkUrl(spec: Json, ctx: ValidationContext): void {
  if (!('url' in spec))
    return ctx.field('url').error(ConfigIssueCode.required, 'missing required field "url"');
  const url = nonEmptyString(spec, 'url', ctx);
  if (url === undefined || url === '') return;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1];
  let parses = true;
  try {
    new URL(scheme === undefined ? `http://${url}` : url);
  } catch {
    parses = false;
  }
  if (!parses || (scheme !== undefined && !SCHEMES.includes(scheme.toLowerCase()))) {
    invalid(
      ctx.field('url'),
      `url "${url}" must have a scheme of ${SCHEMES.join(', ')} (or none, meaning oci)`,
    );
  }
}

function checkVmEnv(spec: Json, ctx: ValidationContext): void {
  const vm = objectField(spec, 'vmConfig', ctx);
  if (vm === undefined) return;
  const seen = new Set<string>();
  for (const [env, at] of listField(vm, 'env', ctx.field('vmConfig'))) {
    const name = nonEmptyString(env, 'name', at, 'env name');
    if (name !== undefined && seen.has(name))
      at.field('name').error(ConfigIssueCode.duplicate, `duplicate env name "${name}"`);
    if (name !== undefined) seen.add(name);
    const from = stringField(env, 'valueFrom', at) ?? 'INLINE';
    if (from !== 'INLINE' && env.value !== undefined)
      invalid(at.field('value'), `value may only be set when valueFrom is INLINE, not ${from}`);
  }
}

export function checkWasmPlugin(spec: Json, ctx: ValidationContext): void {
  checkUrl(spec, ctx);
  const sha = stringField(spec, 'sha256', ctx);
  if (sha !== undefined && sha !== '' && !/^(sha256:)?[a-f0-9]{64}$/.test(sha)) {
    invalid(ctx.field('sha256'), 'sha256 must be 64 lowercase hexadecimal digits');
  }
  nonEmptyString(spec, 'imagePullSecret', ctx);
  nonEmptyString(spec, 'pluginName', ctx);
  checkVmEnv(spec, ctx);
  workloadSelectorField(spec, ctx);
  for (const [match, at] of listField(spec, 'match', ctx)) {
    for (const [port, portAt] of listField(match, 'ports', at)) portField(port, 'number', portAt, true);
  }
}
