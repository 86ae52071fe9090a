/**
 * The shapes of the proxy's apply API (`ProxyServer.applyListeners` and friends): what an update
 * carries besides the validated resources, what it answers, and what is kept about each applied
 * resource for /config_dump.
 */

export interface ApplyOptions {
  /** The xDS `version_info` of the update (shown in /config_dump). */
  readonly versionInfo?: string;
  /** Names to remove (for state-of-the-world LDS/CDS: the ones a response no longer lists). */
  readonly removed?: readonly string[];
  /** Each resource as received (proto3 JSON, `@type` included), by name, for /config_dump. */
  readonly raw?: ReadonlyMap<string, unknown>;
}

export interface ResourceError {
  /** The resource's name. */
  readonly name: string;
  readonly message: string;
}

/** An update is applied whole or not at all: any error leaves the running config as it was. */
export type ApplyResult = { readonly ok: true } | { readonly ok: false; readonly errors: ResourceError[] };

export const APPLIED: ApplyResult = Object.freeze({ ok: true });

/** What /config_dump shows about one dynamic resource. */
export interface ResourceMeta {
  readonly versionInfo: string;
  /** When it was applied (RFC 3339, as Envoy prints `last_updated`). */
  readonly lastUpdated: string;
  /** The resource as received; undefined when it was applied without one. */
  readonly raw: unknown;
}

/** The meta of `name` in an update applied now. */
export function resourceMeta(name: string, options: ApplyOptions, wallMs: number): ResourceMeta {
  return {
    versionInfo: options.versionInfo ?? '',
    lastUpdated: new Date(wallMs).toISOString(),
    raw: options.raw?.get(name),
  };
}

/** Names that occur more than once in `list`, as errors (an update may not name a resource twice). */
export function duplicateNames(list: readonly { name: string }[], what: string): ResourceError[] {
  const seen = new Set<string>();
  const errors: ResourceError[] = [];
  for (const { name } of list) {
    if (seen.has(name))
      errors.push({ name, message: `${what} "${name}" appears more than once in the update` });
    seen.add(name);
  }
  return errors;
}
