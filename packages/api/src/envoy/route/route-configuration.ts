import { inlineSize } from '../core/data-source.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { ignored, optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, str } from '../schema/scalars.ts';
import { isPlainObject } from '../schema/schema.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import type { RouteConfiguration, VirtualHost } from '../types.ts';
import { buildHeaderMutations, headerMutationFields } from './header-mutations.ts';
import { virtualHost } from './virtual-host.ts';

/** `validate_clusters` as given (plain or wrapped), before validation. */
function rawValidateClusters(raw: Readonly<Record<string, unknown>>): unknown {
  const value = raw.validate_clusters ?? raw.validateClusters;
  return isPlainObject(value) ? value.value : value;
}

/** envoy.config.route.v3.RouteConfiguration (inline in an HCM, or an RDS resource). */
export const routeConfiguration = message({
  name: 'envoy.config.route.v3.RouteConfiguration',
  label: 'route configuration',
  fields: {
    name: withDefault(str, ''),
    virtual_hosts: repeated(virtualHost),
    vhds: unsupported('virtual hosts are delivered with the route configuration'),
    internal_only_headers: unsupported(),
    ...headerMutationFields,
    most_specific_header_mutations_wins: withDefault(bool, false),
    validate_clusters: optional(boolValue, {
      defaultText: 'true inline, false over RDS',
      note: 'whether the clusters named by routes must exist (checked against static clusters)',
    }),
    max_direct_response_body_size_bytes: withDefault(wrapper('UInt32Value', uint32()), 4096),
    cluster_specifier_plugins: unsupported(),
    request_mirror_policies: unsupported('set mirror policies on virtual hosts or routes'),
    ignore_port_in_host_matching: unsupported(),
    ignore_path_parameters_in_path_matching: unsupported(),
    typed_per_filter_config: unsupported('set per-filter configs on virtual hosts or routes'),
    metadata: ignored('route configuration metadata is not read by any supported filter'),
  },
  enter: (raw, ctx) => (rawValidateClusters(raw) === false ? ctx.suppressing('cluster') : ctx),
  build: (v, ctx): RouteConfiguration | undefined => {
    const before = ctx.errorCount;
    checkDomainsUnique(v.virtual_hosts, ctx);
    checkDirectResponseSizes(v.virtual_hosts, v.max_direct_response_body_size_bytes, ctx);
    if (ctx.errorCount > before) return undefined;
    return {
      name: v.name,
      virtualHosts: v.virtual_hosts,
      headers: buildHeaderMutations(v),
      mostSpecificHeaderMutationsWins: v.most_specific_header_mutations_wins,
    };
  },
});

/** Envoy refuses a domain (case-insensitively) that appears twice, within or across virtual hosts. */
function checkDomainsUnique(hosts: readonly VirtualHost[], ctx: ValidationContext): void {
  const seen = new Map<string, string>();
  hosts.forEach((host, h) => {
    host.domains.forEach((domain, d) => {
      const key = domain.toLowerCase();
      const owner = seen.get(key);
      if (owner === undefined) {
        seen.set(key, host.name);
        return;
      }
      const where = owner === host.name ? 'twice in this virtual host' : `also in virtual host "${owner}"`;
      ctx
        .field('virtual_hosts')
        .item(h)
        .field('domains')
        .item(d)
        .error(
          ConfigIssueCode.duplicate,
          `virtual host "${host.name}": domain "${domain}" appears ${where}; domains must be unique`,
        );
    });
  });
}

function checkDirectResponseSizes(
  hosts: readonly VirtualHost[],
  limit: number,
  ctx: ValidationContext,
): void {
  hosts.forEach((host, h) => {
    host.routes.forEach((route, r) => {
      if (route.action.kind !== 'directResponse' || route.action.body === undefined) return;
      const size = inlineSize(route.action.body);
      if (size === undefined || size <= limit) return;
      const at = ctx
        .field('virtual_hosts')
        .item(h)
        .field('routes')
        .item(r)
        .field('direct_response')
        .field('body');
      at.error(
        ConfigIssueCode.range,
        `the body is ${size} bytes; max_direct_response_body_size_bytes allows ${limit}`,
      );
    });
  });
}
