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
// Kubernetes: API client, registry and config source, in-cluster integration, CA caller authentication.
export { caAuthenticatorOf } from './ca-auth/ca-authenticator-adapter.ts';
export {
  type AuthenticationResult,
  type CallerIdentity,
  spiffeIdOf,
  type TokenAuthenticator,
} from './ca-auth/token-authenticator.ts';
export { TokenReviewAuthenticator } from './ca-auth/token-review-authenticator.ts';
export { parseIstioFile } from './config/istio-file-parser.ts';
export { type MeshConfig, parseMeshConfig } from './config/mesh-config.ts';
// The control plane assembled, its config loading and its debug API.
export { type ConnectedProxy, ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export { DebugServer } from './debug/debug-server.ts';
export { buildDebugHandlers } from './debug/handlers.ts';
// Sidecar injection (pure), the admission webhook, and kube-inject on YAML text.
export { InjectError, InjectErrorCode } from './inject/inject-error.ts';
export { injectManifest } from './inject/inject-manifest.ts';
export { injectPod } from './inject/inject-pod.ts';
export {
  defaultInjectSettings,
  type InjectSettings,
  SidecarNames,
  SidecarPorts,
  supportsNativeSidecar,
} from './inject/inject-settings.ts';
export { injectYamlText } from './inject/inject-yaml-text.ts';
export { readInjectSettings } from './inject/read-inject-settings.ts';
export { KubeApiError } from './kube/kube-api-error.ts';
export { KubeClient } from './kube/kube-client.ts';
export { inClusterConnection, type KubeConnection, kubeconfigConnection } from './kube/kube-config.ts';
export { type KubeIntegration, startKubeIntegration } from './kube/kube-integration.ts';
export { IstioResources, KubeResources } from './kube/kube-resources.ts';
export { type ProxyInfo, parseProxyInfo } from './proxy/proxy-info.ts';
export { KubeRegistry } from './registry/kube-registry.ts';
export { translate } from './translate/translate.ts';
export {
  type CertificateProvider,
  HandoverCertificateProvider,
  type ServingCertificate,
} from './webhook/certificate-provider.ts';
export { InjectionWebhookServer } from './webhook/injection-webhook-server.ts';
export { MeshCaCertificateProvider } from './webhook/mesh-ca-certificate-provider.ts';
export { SelfSignedCertificateProvider } from './webhook/self-signed-certificate-provider.ts';
export * from './xds/index.ts';
