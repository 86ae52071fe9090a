// xDS serving: snapshot cache, consistency checks, ADS server (state of the world and delta), debounce.

export { CaError, CaErrorCode } from './ca/ca-error.ts';
// Security: the CA (signing), its service and pluggable caller authentication.
export { CaSecurity, type CaSecurityOptions } from './ca/ca-security.ts';
export {
  authenticateCaller,
  type CallerAuthenticator,
  type CallerCredential,
} from './ca/caller-authenticator.ts';
export { CertificateAuthority } from './ca/certificate-authority.ts';
export { loadOrCreateCa } from './ca/load-ca-dir.ts';
export { LocalTokenAuthenticator } from './ca/local-token-authenticator.ts';
export { parseSpiffeId, spiffeId, type WorkloadIdentity } from './ca/spiffe.ts';
export { parseIstioFile } from './config/istio-file-parser.ts';
// The control plane assembled, its config loading and its debug API.
export { type ConnectedProxy, ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { DebugServer } from './debug/debug-server.ts';
export { buildDebugHandlers } from './debug/handlers.ts';
export { type ProxyInfo, parseProxyInfo } from './proxy/proxy-info.ts';
export { translate } from './translate/translate.ts';
export * from './xds/index.ts';
