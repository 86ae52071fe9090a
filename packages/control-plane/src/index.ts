// xDS serving: snapshot cache, consistency checks, ADS server (state of the world and delta), debounce.

export { parseIstioFile } from './config/istio-file-parser.ts';
export { type MeshConfig, parseMeshConfig } from './config/mesh-config.ts';

// The control plane assembled, its config loading and its debug API.
export { type ConnectedProxy, ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { DebugServer } from './debug/debug-server.ts';
export { buildDebugHandlers } from './debug/handlers.ts';
export { type ProxyInfo, parseProxyInfo } from './proxy/proxy-info.ts';
export { translate } from './translate/translate.ts';
export * from './xds/index.ts';
