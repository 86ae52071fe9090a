/**
 * An RBAC rule set compiled once: ALLOW lets a request through when some policy matches, DENY when none
 * does, LOG always (counting matches). A policy matches when one of its permissions and one of its
 * principals match. No rules at all allows everything.
 */
import type { RbacConfig } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import { ConfigPath } from '../router/route-config-error.ts';
import {
  compilePermission,
  compilePrincipal,
  type DynamicMetadata,
  type RbacPredicate,
} from './rbac-matchers.ts';

interface CompiledPolicy {
  readonly name: string;
  readonly permissions: RbacPredicate[];
  readonly principals: RbacPredicate[];
}

export class RbacEngine {
  readonly action: 'ALLOW' | 'DENY' | 'LOG' | 'NONE';
  private readonly policies: CompiledPolicy[];

  /** `owner` names the filter in errors, e.g. `rbac filter "envoy.filters.http.rbac"`. */
  constructor(config: RbacConfig, owner: string) {
    const rules = config.rules;
    this.action = rules === undefined ? 'NONE' : rules.action;
    const root = new ConfigPath(owner, 'rules');
    this.policies = (rules?.policies ?? []).map((p) => {
      const at = root.at(`policies["${p.name}"]`);
      return {
        name: p.name,
        permissions: p.permissions.map((x, i) => compilePermission(x, at.at(`permissions[${i}]`))),
        principals: p.principals.map((x, i) => compilePrincipal(x, at.at(`principals[${i}]`))),
      };
    });
  }

  /** The name of the first policy that matches, or undefined. */
  matchingPolicy(
    head: RequestHead | undefined,
    conn: DownstreamConnectionInfo,
    metadata: DynamicMetadata | undefined,
  ): string | undefined {
    for (const p of this.policies) {
      if (anyOf(p.permissions, head, conn, metadata) && anyOf(p.principals, head, conn, metadata))
        return p.name;
    }
    return undefined;
  }

  allows(
    head: RequestHead | undefined,
    conn: DownstreamConnectionInfo,
    metadata: DynamicMetadata | undefined,
  ): boolean {
    switch (this.action) {
      case 'NONE':
      case 'LOG':
        return true;
      case 'ALLOW':
        return this.matchingPolicy(head, conn, metadata) !== undefined;
      case 'DENY':
        return this.matchingPolicy(head, conn, metadata) === undefined;
    }
  }
}

function anyOf(
  list: RbacPredicate[],
  head: RequestHead | undefined,
  conn: DownstreamConnectionInfo,
  metadata: DynamicMetadata | undefined,
): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!(head, conn, metadata)) return true;
  return false;
}
