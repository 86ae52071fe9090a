/** A route's CorsPolicy compiled once: origin matchers and the headers a preflight answer carries. */
import type { CorsPolicyConfig } from '@tandem/api/envoy';
import { ConfigPath } from '../../router/route-config-error.ts';
import { type CompiledStringMatcher, compileStringMatcher } from '../../router/string-matcher.ts';

const ALL = 1_000_000;

export class CompiledCorsPolicy {
  readonly config: CorsPolicyConfig;
  private readonly origins: readonly CompiledStringMatcher[];

  constructor(config: CorsPolicyConfig) {
    this.config = config;
    const at = new ConfigPath('', 'cors.allowOriginStringMatch');
    this.origins = config.allowOrigins.map((m, i) => compileStringMatcher(m, at.at(i)));
  }

  /** Whether the policy applies to this request (`filter_enabled`). */
  enabled(random: number): boolean {
    const share = this.config.filterEnabled;
    return share >= ALL || Math.floor(random * ALL) < share;
  }

  /** An origin is allowed when a matcher matches it, or matches `*` (allow any). */
  allows(origin: string): boolean {
    for (const m of this.origins) if (m.match('*') || m.match(origin)) return true;
    return false;
  }
}

export function compileCorsPolicy(config: unknown): CompiledCorsPolicy {
  return new CompiledCorsPolicy(config as CorsPolicyConfig);
}
