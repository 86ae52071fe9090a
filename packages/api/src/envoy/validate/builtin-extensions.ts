import {
  CORS_NAME,
  CORS_POLICY_TYPE_URL,
  CORS_TYPE_URL,
  corsPolicySchema,
  corsSchema,
} from '../filters/cors.ts';
import { FAULT_NAME, FAULT_TYPE_URL, faultSchema } from '../filters/fault.ts';
import {
  LOCAL_RATE_LIMIT_NAME,
  LOCAL_RATE_LIMIT_TYPE_URL,
  localRateLimitSchema,
} from '../filters/local-rate-limit.ts';
import { httpConnectionManager } from '../hcm/http-connection-manager.ts';
import { httpFilterPerRouteConfigs, httpFilters } from '../hcm/http-filter-registry.ts';
import { ROUTER_NAME, ROUTER_TYPE_URL, routerSchema } from '../hcm/router.ts';
import { httpInspector, listenerFilters, originalDst, tlsInspector } from '../listener/listener-filter.ts';
import { networkFilters } from '../listener/network-filter.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { mapMessage } from '../schema/message.ts';
import { JWT_AUTHN_TYPE_URL, jwtAuthentication } from '../security/jwt-authn.ts';
import {
  HTTP_RBAC_TYPE_URL,
  httpRbac,
  NETWORK_RBAC_TYPE_URL,
  networkRbac,
} from '../security/rbac-filters.ts';
import { tcpProxy } from '../tcp/tcp-proxy.ts';
import { downstreamTlsContext, upstreamTlsContext } from '../tls/tls-contexts.ts';
import { downstreamTransportSockets, upstreamTransportSockets } from '../tls/transport-socket.ts';

const TYPE = 'type.googleapis.com/';
const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP_PROXY = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const TLS = 'envoy.extensions.transport_sockets.tls.v3';
const RAW_BUFFER = 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer';

const rawBuffer = mapMessage(emptyMessage(RAW_BUFFER, 'Plaintext: no TLS.'), () => undefined);

let registered = false;

/**
 * Registers every extension Tandem ships with (network filters, the router, listener filters, transport
 * sockets). All extensions are listed here, in one place; entry points call this before validating.
 */
export function ensureBuiltinExtensions(): void {
  if (registered) return;
  registered = true;
  networkFilters.register(
    TYPE + HCM,
    mapMessage(httpConnectionManager, (config) => ({ kind: 'http_connection_manager' as const, config })),
    { names: ['envoy.filters.network.http_connection_manager'], terminal: true },
  );
  networkFilters.register(
    TYPE + TCP_PROXY,
    mapMessage(tcpProxy, (config) => ({ kind: 'tcp_proxy' as const, config })),
    { names: ['envoy.filters.network.tcp_proxy'], terminal: true },
  );
  networkFilters.register(
    NETWORK_RBAC_TYPE_URL,
    mapMessage(networkRbac, (config) => ({ kind: 'rbac' as const, config })),
    { names: ['envoy.filters.network.rbac'] },
  );
  httpFilters.register(ROUTER_TYPE_URL, routerSchema, { names: [ROUTER_NAME], terminal: true });
  httpFilters.register(FAULT_TYPE_URL, faultSchema, { names: [FAULT_NAME] });
  httpFilters.register(LOCAL_RATE_LIMIT_TYPE_URL, localRateLimitSchema, { names: [LOCAL_RATE_LIMIT_NAME] });
  httpFilters.register(CORS_TYPE_URL, corsSchema, { names: [CORS_NAME] });
  httpFilterPerRouteConfigs.register(FAULT_TYPE_URL, faultSchema);
  httpFilterPerRouteConfigs.register(LOCAL_RATE_LIMIT_TYPE_URL, localRateLimitSchema);
  httpFilterPerRouteConfigs.register(CORS_POLICY_TYPE_URL, corsPolicySchema);
  httpFilters.register(HTTP_RBAC_TYPE_URL, httpRbac, { names: ['envoy.filters.http.rbac'] });
  httpFilters.register(JWT_AUTHN_TYPE_URL, jwtAuthentication, { names: ['envoy.filters.http.jwt_authn'] });
  const listenerFilter = (name: string) => ({ names: [`envoy.filters.listener.${name}`] });
  listenerFilters.register(`${TYPE}${tlsInspector.name}`, tlsInspector, listenerFilter('tls_inspector'));
  listenerFilters.register(`${TYPE}${httpInspector.name}`, httpInspector, listenerFilter('http_inspector'));
  listenerFilters.register(`${TYPE}${originalDst.name}`, originalDst, listenerFilter('original_dst'));
  const tls = { names: ['envoy.transport_sockets.tls'] };
  const plain = { names: ['envoy.transport_sockets.raw_buffer'] };
  downstreamTransportSockets.register(`${TYPE}${TLS}.DownstreamTlsContext`, downstreamTlsContext, tls);
  downstreamTransportSockets.register(TYPE + RAW_BUFFER, rawBuffer, plain);
  upstreamTransportSockets.register(`${TYPE}${TLS}.UpstreamTlsContext`, upstreamTlsContext, tls);
  upstreamTransportSockets.register(TYPE + RAW_BUFFER, rawBuffer, plain);
}
