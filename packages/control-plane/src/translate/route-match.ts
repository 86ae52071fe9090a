/**
 * Istio HTTPMatchRequest -> Envoy RouteMatch. Everything in one match request must hold (AND);
 * several match requests on one HTTP route become several Envoy routes (OR), in order.
 */
import { type HttpMatchRequest, resolveGatewayName, type StringMatch } from '@tandem/api/istio';
import { labelsMatch } from '../model/mesh-service.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import type { Json } from './xds-resources.ts';

/** Whether a match request can apply to traffic from this proxy on this port at all. */
export function matchApplies(m: HttpMatchRequest, port: number, proxy: ProxyInfo): boolean {
  if (m.port !== 0 && m.port !== port) return false;
  if (Object.keys(m.sourceLabels).length > 0 && !labelsMatch(m.sourceLabels, proxy.labels)) return false;
  if (m.sourceNamespace !== '' && m.sourceNamespace !== proxy.namespace) return false;
  if (m.gateways.length > 0 && !m.gateways.includes('mesh')) return false;
  return true;
}

/**
 * Whether a match request applies on the gateway `gateway` (`namespace/name`), port `port`, Istio's way: a
 * match that lists gateways applies to those (names resolved against the VirtualService's namespace
 * `vsNamespace`); one that does not must match the gateway proxy's labels and namespace.
 */
export function gatewayMatchApplies(
  m: HttpMatchRequest,
  gateway: string,
  port: number,
  proxy: ProxyInfo,
  vsNamespace: string,
): boolean {
  if (m.port !== 0 && m.port !== port) return false;
  if (m.gateways.length > 0) return m.gateways.some((g) => resolveGatewayName(g, vsNamespace) === gateway);
  if (!labelsMatch(m.sourceLabels, proxy.labels)) return false;
  return m.sourceNamespace === '' || m.sourceNamespace === proxy.namespace;
}

export function routeMatch(m: HttpMatchRequest | undefined): Json {
  const out: Json = {};
  const uri = m?.uri;
  if (uri === undefined) out['prefix'] = '/';
  else if (uri.kind === 'exact') out['path'] = uri.value;
  else if (uri.kind === 'prefix') out['prefix'] = uri.value;
  else out['safe_regex'] = { regex: uri.value };
  if (m === undefined) return out;
  if (m.ignoreUriCase) out['case_sensitive'] = false;
  const headers: Json[] = [];
  if (m.method !== undefined) headers.push(headerMatcher(':method', m.method, false));
  if (m.authority !== undefined) headers.push(headerMatcher(':authority', m.authority, false));
  if (m.scheme !== undefined) headers.push(headerMatcher(':scheme', m.scheme, false));
  for (const [name, spec] of Object.entries(m.headers))
    headers.push(headerMatcher(name.toLowerCase(), spec, false));
  for (const [name, spec] of Object.entries(m.withoutHeaders))
    headers.push(headerMatcher(name.toLowerCase(), spec, true));
  if (headers.length > 0) out['headers'] = headers;
  const query = Object.entries(m.queryParams).map(([name, spec]) =>
    spec.kind === 'present' ? { name, present_match: true } : { name, string_match: stringMatcher(spec) },
  );
  if (query.length > 0) out['query_parameters'] = query;
  return out;
}

function headerMatcher(name: string, spec: StringMatch | { kind: 'present' }, invert: boolean): Json {
  const base: Json =
    spec.kind === 'present' ? { name, present_match: true } : { name, string_match: stringMatcher(spec) };
  if (invert) base['invert_match'] = true;
  return base;
}

export function stringMatcher(s: StringMatch): Json {
  if (s.kind === 'exact') return { exact: s.value };
  if (s.kind === 'prefix') return { prefix: s.value };
  return { safe_regex: { regex: s.value } };
}
