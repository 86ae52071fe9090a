/**
 * A route's `request_mirror_policies` entry, compiled: the shadow cluster, the share of requests it
 * gets, and whether the shadow's authority gets Envoy's `-shadow` suffix.
 */
import type { RequestMirrorPolicy } from '@tandem/api/envoy';

const ALL = 1_000_000;

export class CompiledMirrorPolicy {
  readonly cluster: string;
  /** Share of requests mirrored, in millionths. */
  readonly fraction: number;
  readonly appendShadowSuffix: boolean;

  constructor(p: RequestMirrorPolicy) {
    this.cluster = p.cluster;
    this.fraction = p.fraction;
    this.appendShadowSuffix = !p.disableShadowHostSuffixAppend;
  }

  /** Whether this request is mirrored; `random` is a float in [0, 1). */
  sample(random: number): boolean {
    return this.fraction >= ALL || Math.floor(random * ALL) < this.fraction;
  }
}

/**
 * The authority a shadow request carries: `-shadow` after the host name, before any port
 * (`reviews:9080` becomes `reviews-shadow:9080`, `[::1]:80` stays bracketed).
 */
export function shadowAuthority(authority: string): string {
  const bracket = authority.lastIndexOf(']');
  const colon = authority.lastIndexOf(':');
  if (colon > bracket && colon > 0 && /^\d+$/.test(authority.slice(colon + 1)))
    return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  return `${authority}-shadow`;
}

export function compileMirrorPolicies(
  policies: readonly RequestMirrorPolicy[] | undefined,
): readonly CompiledMirrorPolicy[] | undefined {
  if (policies === undefined || policies.length === 0) return undefined;
  return policies.map((p) => new CompiledMirrorPolicy(p));
}
