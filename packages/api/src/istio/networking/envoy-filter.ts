/**
 * EnvoyFilter: checked with Istio's rules (see `checkEnvoyFilter`), then read into patches. Tandem
 * applies the patches Istio's local rate limit task needs: HTTP_FILTER with INSERT_BEFORE,
 * INSERT_AFTER or INSERT_FIRST (of a filter in the HTTP connection manager, TypedStruct configs
 * included), and HTTP_ROUTE with MERGE, on sidecar inbound and outbound config. Every other patch is
 * reported as not supported and left out.
 */
import { isPlainObject, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { EnvoyConfigPatch, EnvoyFilter } from '../types.ts';
import { checkEnvoyFilter } from '../unsupported/envoy-filter.ts';
import type { Json } from '../unsupported/raw-checks.ts';

const HCM = 'envoy.filters.network.http_connection_manager';
const CONTEXTS = new Set(['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', 'WAYPOINT']);
const ACTIONS = new Set(['ANY', 'ROUTE', 'REDIRECT', 'DIRECT_RESPONSE']);
const FILTER_OPS = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST']);

const obj = (v: unknown): Json => (isPlainObject(v) ? v : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function readPatch(raw: Json): EnvoyConfigPatch {
  const match = obj(raw.match);
  const listener = obj(match.listener);
  const filter = obj(obj(listener.filterChain).filter);
  const routeConfig = obj(match.routeConfiguration);
  const vhost = obj(routeConfig.vhost);
  const route = obj(vhost.route);
  const patch = obj(raw.patch);
  const context = text(match.context) || 'ANY';
  const action = text(route.action) || 'ANY';
  return {
    applyTo: text(raw.applyTo) || 'INVALID',
    match: {
      context: (CONTEXTS.has(context) ? context : 'ANY') as EnvoyConfigPatch['match']['context'],
      listenerPort: num(listener.portNumber),
      listenerName: text(listener.name),
      filterName: text(filter.name),
      subFilterName: text(obj(filter.subFilter).name),
      routePort: num(routeConfig.portNumber),
      routeConfigName: text(routeConfig.name),
      vhostName: text(vhost.name),
      routeName: text(route.name),
      routeAction: (ACTIONS.has(action) ? action : 'ANY') as EnvoyConfigPatch['match']['routeAction'],
    },
    operation: text(patch.operation) || 'INVALID',
    value: isPlainObject(patch.value) ? patch.value : undefined,
    supported: false,
  };
}

/** Why Tandem cannot apply `p` (or undefined when it can). */
function unsupportedReason(p: EnvoyConfigPatch, raw: Json): string | undefined {
  const ctx = p.match.context;
  if (ctx === 'GATEWAY' || ctx === 'WAYPOINT') return `context ${ctx} (Tandem configures sidecars only)`;
  if (obj(raw.match).proxy !== undefined) return 'proxy version and metadata matches';
  if (obj(raw.patch).filterClass !== undefined) return 'filterClass';
  if (p.applyTo === 'HTTP_FILTER') {
    if (!FILTER_OPS.has(p.operation)) return `HTTP_FILTER ${p.operation}`;
    if (p.match.filterName !== '' && p.match.filterName !== HCM)
      return `HTTP filters in ${p.match.filterName}`;
    if (p.value === undefined) return 'an HTTP_FILTER patch without a value';
    return undefined;
  }
  if (p.applyTo === 'HTTP_ROUTE') return p.operation === 'MERGE' ? undefined : `HTTP_ROUTE ${p.operation}`;
  return `applyTo ${p.applyTo}`;
}

export const envoyFilter: Schema<EnvoyFilter> = {
  typeName: 'EnvoyFilter',
  parse(raw, ctx: ValidationContext) {
    const spec = obj(raw);
    const before = ctx.errorCount;
    checkEnvoyFilter(spec, ctx);
    if (ctx.errorCount > before) return undefined;
    const patches = (Array.isArray(spec.configPatches) ? spec.configPatches : []).map((r, i) => {
      const p = readPatch(obj(r));
      const reason = unsupportedReason(p, obj(r));
      if (reason === undefined) p.supported = true;
      else
        ctx
          .field('configPatches')
          .item(i)
          .warn(IstioIssueCode.unsupportedField, `not supported by Tandem yet and ignored: ${reason}`);
      return p;
    });
    const selector = obj(spec.workloadSelector).labels;
    return {
      workloadSelector: isPlainObject(selector) ? (selector as Record<string, string>) : undefined,
      priority: num(spec.priority),
      configPatches: patches,
    };
  },
};
