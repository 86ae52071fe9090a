import { ConfigIssueCode } from '../issue-codes.ts';
import type { Reference, ValidationContext } from '../schema/validation-context.ts';

export interface ReferenceOptions {
  /** Whether the bootstrap sets `dynamic_resources.ads_config`: RDS and EDS references need it. */
  readonly adsConfigured: boolean;
}

/**
 * Resolves the names one static resource uses for another: clusters named by routes and tcp_proxy, secrets
 * named by TLS contexts. Route configurations, endpoints and secrets (SDS) named for ADS need ADS to be
 * configured. Errors go to each reference's own path.
 */
export function checkReferences(ctx: ValidationContext, options: ReferenceOptions): void {
  for (const ref of ctx.references) {
    if (ref.kind === 'cluster') checkCluster(ref, ctx, options);
    else if (ref.kind === 'tls_certificate_secret')
      checkSecret(ref, ctx, 'tls_certificate', 'validation_context');
    else if (ref.kind === 'validation_context_secret')
      checkSecret(ref, ctx, 'validation_context', 'tls_certificate');
    else if ((ref.kind === 'sds_secret' || ref.kind === 'ads_resource') && !options.adsConfigured) {
      const message = `${ref.what} would come over ADS, but dynamic_resources.ads_config is not set; set it or define the resource in static_resources`;
      ref.ctx.error(ConfigIssueCode.reference, message);
    }
  }
}

function checkCluster(ref: Reference, ctx: ValidationContext, options: ReferenceOptions): void {
  if (ctx.isDefined('cluster', ref.name)) return;
  const fromRoute = ref.what === 'route' || ref.what === 'weighted cluster';
  const hint =
    options.adsConfigured && fromRoute
      ? ' (a cluster that comes over CDS needs validate_clusters: false on the route configuration)'
      : '';
  ref.ctx.error(
    ConfigIssueCode.reference,
    `cluster ${JSON.stringify(ref.name)} is not defined in static_resources.clusters${hint}`,
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
