// The injected sidecar's agent: bootstrap from the pod's environment, health and app-probe endpoints.
export { AgentServer, type AppProber, parseProbers } from './agent/agent-server.ts';
export { buildSidecarBootstrap, parseDownwardApiFile } from './agent/sidecar-bootstrap.ts';
export { HeaderMap } from './http/header-map.ts';
export type { RequestHead } from './http/request-head.ts';
export type { WorkloadIdentityOptions } from './identity/identity-types.ts';
export { type ProxyOptions, ProxyServer } from './proxy-server.ts';
export type { CompiledRetryPolicy } from './router/retry-policy.ts';
export type { CompiledRouteAction } from './router/route-action.ts';
export type { CompiledRoute } from './router/route-entry.ts';
export { compileRouteConfiguration } from './router/route-table.ts';
