export { HeaderMap } from './http/header-map.ts';
export type { RequestHead } from './http/request-head.ts';
export { type ProxyOptions, ProxyServer } from './proxy-server.ts';
export { compileRouteConfiguration } from './router/route-table.ts';
