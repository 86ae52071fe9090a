import { ConfigIssueCode } from '../issue-codes.ts';
import type { Reference, ValidationContext } from '../schema/validation-context.ts';

export interface ReferenceOptions {
  /** Whether the config sets up ADS; until `dynamic_resources` is supported, it never does. */
  readonly adsConfigured: boolean;
}

/**
 * Resolves the names one static resource uses for another: clusters named by routes and tcp_proxy, secrets
 * named by TLS contexts. Things that would come over ADS are errors unless ADS is configured. Errors go to
 * each reference's own path.
 */
export function checkReferences(ctx: ValidationContext, options: ReferenceOptions): void {
  for (const ref of ctx.references) {
    if (ref.kind === 'cluster') checkCluster(ref, ctx);
    else if (ref.kind === 'tls_certificate_secret')
      checkSecret(ref, ctx, 'tls_certificate', 'validation_context');
    else if (ref.kind === 'validation_context_secret')
      checkSecret(ref, ctx, 'validation_context', 'tls_certificate');
    else if (ref.kind === 'ads_resource' && !options.adsConfigured) {
      const message = `${ref.what} would come over ADS, but dynamic_resources is not supported yet; define it in static_resources`;
      ref.ctx.error(ConfigIssueCode.unsupported, message);
    }
  }
}

function checkCluster(ref: Reference, ctx: ValidationContext): void {
  if (ctx.isDefined('cluster', ref.name)) return;
  ref.ctx.error(
    ConfigIssueCode.reference,
    `cluster ${JSON.stringify(ref.name)} is not defined in static_resources.clusters`,
  );
}

function checkSecret(ref: Reference, ctx: ValidationContext, wanted: string, other: string): void {
  const name = JSON.stringify(ref.name);
  if (ctx.isDefined(`${wanted}_secret` as Reference['kind'], ref.name)) return;
  if (ctx.isDefined(`${other}_secret` as Reference['kind'], ref.name)) {
    ref.ctx.error(
      ConfigIssueCode.reference,
      `secret ${name} holds a ${other}, but a ${wanted} is needed here`,
    );
  } else if (!ctx.isDefined('secret', ref.name)) {
    ref.ctx.error(ConfigIssueCode.reference, `secret ${name} is not defined in static_resources.secrets`);
  }
}
