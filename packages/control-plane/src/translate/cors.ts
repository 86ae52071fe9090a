/** Istio CorsPolicy -> the CORS filter's per-route CorsPolicy. */
import type { CorsPolicy, StringMatch } from '@tandem/api/istio';
import type { Json } from './xds-resources.ts';

export const CORS_FILTER = 'envoy.filters.http.cors';
export const CORS_FILTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors';
const CORS_POLICY_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';

export function corsPolicy(p: CorsPolicy): Json {
  const out: Json = {
    '@type': CORS_POLICY_TYPE,
    allow_origin_string_match: p.allowOrigins.map(originMatcher),
  };
  if (p.allowMethods.length > 0) out['allow_methods'] = p.allowMethods.join(',');
  if (p.allowHeaders.length > 0) out['allow_headers'] = p.allowHeaders.join(',');
  if (p.exposeHeaders.length > 0) out['expose_headers'] = p.exposeHeaders.join(',');
  if (p.maxAgeMs !== undefined) out['max_age'] = String(Math.floor(p.maxAgeMs / 1000));
  if (p.allowCredentials !== undefined) out['allow_credentials'] = p.allowCredentials;
  return out;
}

function originMatcher(m: StringMatch): Json {
  if (m.kind === 'exact') return { exact: m.value };
  if (m.kind === 'prefix') return { prefix: m.value };
  return { safe_regex: { regex: m.value } };
}

/** The CORS filter as it sits in an HCM's http_filters (the routes carry the policies). */
export function corsFilter(): Json {
  return { name: CORS_FILTER, typed_config: { '@type': CORS_FILTER_TYPE } };
}
