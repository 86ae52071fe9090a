/**
 * Builders for route configs and requests, shared by the router's tests. Every field gets the
 * default a validated config would carry, so a test states only what it is about.
 */
import type {
  HeaderMutations,
  HeaderValueOption,
  RedirectAction,
  Route,
  RouteAction,
  RouteConfiguration,
  RouteMatch,
  VirtualHost,
} from '@tandem/api/envoy';
import { HeaderMap } from '../http/header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import type { ClusterChoice } from './cluster-picker.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import { ConfigPath } from './route-config-error.ts';

/** A config location for compiling pieces outside a full route configuration. */
export const testPath = new ConfigPath('test', '');

export function mutations(m: Partial<HeaderMutations> = {}): HeaderMutations {
  return {
    requestHeadersToAdd: [],
    requestHeadersToRemove: [],
    responseHeadersToAdd: [],
    responseHeadersToRemove: [],
    ...m,
  };
}

export function header(
  key: string,
  value: string,
  appendAction: HeaderValueOption['appendAction'] = 'APPEND_IF_EXISTS_OR_ADD',
  keepEmptyValue = false,
): HeaderValueOption {
  return { key, value, appendAction, keepEmptyValue };
}

export function match(m: Partial<RouteMatch> = {}): RouteMatch {
  return {
    path: { kind: 'prefix', value: '/' },
    caseSensitive: true,
    headers: [],
    queryParameters: [],
    grpc: false,
    ...m,
  };
}

export function routeAction(a: Partial<RouteAction> = {}): RouteAction {
  return {
    kind: 'route',
    cluster: { kind: 'cluster', name: 'default' },
    prefixRewrite: undefined,
    regexRewrite: undefined,
    hostRewrite: undefined,
    timeoutMs: 15000,
    idleTimeoutMs: undefined,
    hashPolicy: [],
    upgradeConfigs: [],
    maxStreamDurationMs: undefined,
    grpcTimeoutHeaderMaxMs: undefined,
    ...a,
  };
}

export function redirectAction(r: Partial<RedirectAction> = {}): RedirectAction {
  return {
    kind: 'redirect',
    schemeRedirect: undefined,
    hostRedirect: undefined,
    portRedirect: undefined,
    pathRewrite: undefined,
    responseCode: 301,
    stripQuery: false,
    ...r,
  };
}

export function route(r: Partial<Route> = {}): Route {
  return { name: '', match: match(), action: routeAction(), headers: mutations(), ...r };
}

export function virtualHost(v: Partial<VirtualHost> = {}): VirtualHost {
  return { name: 'vh', domains: ['*'], routes: [route()], headers: mutations(), requireTls: 'NONE', ...v };
}

export function routeConfig(c: Partial<RouteConfiguration> = {}): RouteConfiguration {
  return {
    name: 'rc',
    virtualHosts: [virtualHost()],
    headers: mutations(),
    mostSpecificHeaderMutationsWins: false,
    ...c,
  };
}

export function requestHead(
  h: Partial<Omit<RequestHead, 'headers'>> & { headers?: string[] } = {},
): RequestHead {
  return {
    method: 'GET',
    path: '/',
    authority: 'example.com',
    scheme: 'http',
    protocol: 'HTTP/1.1',
    ...h,
    headers: new HeaderMap(h.headers ?? []),
  };
}

export function connection(c: Partial<DownstreamConnectionInfo> = {}): DownstreamConnectionInfo {
  return {
    remoteAddress: '10.0.0.1',
    remotePort: 40000,
    localAddress: '10.0.0.2',
    localPort: 8080,
    tls: false,
    serverName: '',
    ...c,
  };
}

export function formatContext(
  request: RequestHead,
  c: { cluster?: ClusterChoice; upstreamHost?: string; startTimeMs?: number } = {},
): HeaderFormatContext {
  return {
    request,
    connection: connection(),
    startTimeMs: c.startTimeMs ?? 0,
    upstreamHost: c.upstreamHost,
    cluster: c.cluster,
  };
}
