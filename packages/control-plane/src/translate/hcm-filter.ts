/**
 * The two network filters every sidecar listener ends in: the HTTP connection manager (routes from RDS
 * or inline, the HTTP filters before the router) and the TCP proxy.
 */
import { type Json, TYPE } from './xds-resources.ts';

export interface HcmOptions {
  /** HTTP filters before the router. */
  httpFilters?: Json[];
  /** More HttpConnectionManager fields. */
  extra?: Json;
}

export function hcmFilter(statPrefix: string, route: string | Json, options: HcmOptions = {}): Json {
  const hcm: Json = {
    '@type': TYPE.hcm,
    stat_prefix: statPrefix,
    codec_type: 'AUTO',
    use_remote_address: false,
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    http_filters: [
      ...(options.httpFilters ?? []),
      { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } },
    ],
    ...options.extra,
  };
  if (typeof route === 'string')
    hcm['rds'] = { route_config_name: route, config_source: { ads: {}, resource_api_version: 'V3' } };
  else hcm['route_config'] = route;
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: hcm };
}

export function tcpProxyFilter(statPrefix: string, target: Json): Json {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': TYPE.tcpProxy, stat_prefix: statPrefix, ...target },
  };
}
