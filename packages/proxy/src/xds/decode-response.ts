/**
 * Turns the resources of one DiscoveryResponse into validated domain values: each Any is decoded
 * to proto3 JSON (`@tandem/xds-proto`) and checked by `validateResource` (`@tandem/api`). Every
 * problem is collected, naming the resource and the field, for the NACK's error_detail.
 */
import { type ConfigIssue, validateResource } from '@tandem/api/envoy';
import { type AnyInput, decodeResource } from '@tandem/xds-proto/client';
import type { XdsResourceType } from './resource-types.ts';

export interface DecodedResource {
  readonly name: string;
  readonly value: unknown;
  /** The resource as received (proto3 JSON with `@type`), for /config_dump. */
  readonly raw: Record<string, unknown>;
}

export type DecodeResult =
  | { readonly ok: true; readonly resources: DecodedResource[] }
  | { readonly ok: false; readonly errors: string[] };

export function decodeResponse(type: XdsResourceType, anys: readonly AnyInput[]): DecodeResult {
  const resources: DecodedResource[] = [];
  const errors: string[] = [];
  anys.forEach((any, i) => {
    const label = `${type.what} [${i}]`;
    if (any.type_url !== type.typeUrl) {
      errors.push(`${label}: has type ${any.type_url} in a response of type ${type.typeUrl}`);
      return;
    }
    let json: Record<string, unknown>;
    try {
      json = decodeResource(any);
    } catch (err) {
      errors.push(`${label}: cannot decode: ${(err as Error).message}`);
      return;
    }
    const rawName = json[type.kind === 'eds' ? 'cluster_name' : 'name'];
    const which = typeof rawName === 'string' && rawName !== '' ? `${type.what} "${rawName}"` : label;
    const result = validateResource(type.typeUrl, json);
    if (!result.ok) {
      for (const issue of result.errors) errors.push(describeIssue(which, issue));
      return;
    }
    resources.push({
      name: type.nameOf(result.resource),
      value: result.resource,
      raw: { '@type': type.typeUrl, ...json },
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, resources };
}

/** `cluster "web": lb_policy: LbPolicy X is not supported [TANDEM_ERR_...]` (the label once). */
function describeIssue(which: string, issue: ConfigIssue): string {
  const message = issue.message.startsWith(`${which}: `)
    ? issue.message.slice(which.length + 2)
    : issue.message;
  const at = issue.path === '' ? '' : `${issue.path}: `;
  return `${which}: ${at}${message} [${issue.code}]`;
}
