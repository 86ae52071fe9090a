export const TANDEM_VERSION = '0.1.0';

export { ENVOY_DEFAULT_FORMAT, FILE_ACCESS_LOG_TYPE_URL } from './envoy/access-log/access-log.ts';
export { parseFormatString } from './envoy/access-log/format-string.ts';
// Envoy config validation: raw bootstrap / xDS resources in, validated domain types out.
export { type ConfigIssue, formatConfigIssue } from './envoy/config-issue.ts';
export { compileRe2, type Re2Result } from './envoy/core/re2.ts';
export type { TokenBucket } from './envoy/core/token-bucket.ts';
export { CORS_POLICY_TYPE_URL, CORS_TYPE_URL, type CorsPolicyConfig } from './envoy/filters/cors.ts';
export { FAULT_TYPE_URL, type FaultConfig } from './envoy/filters/fault.ts';
export {
  LOCAL_RATE_LIMIT_TYPE_URL,
  type LocalRateLimitConfig,
  type LocalRateLimitDescriptor,
} from './envoy/filters/local-rate-limit.ts';
export { registerHttpFilterSchema } from './envoy/hcm/http-filter-registry.ts';
export { ROUTER_TYPE_URL, type RouterConfig } from './envoy/hcm/router.ts';
export { ConfigIssueCode, type ConfigIssueCodeValue } from './envoy/issue-codes.ts';
export * as envoySchema from './envoy/schema/dsl.ts';
export { JWT_AUTHN_TYPE_URL } from './envoy/security/jwt-authn.ts';
export { HTTP_RBAC_TYPE_URL, NETWORK_RBAC_TYPE_URL } from './envoy/security/rbac-filters.ts';
export { OPENTELEMETRY_TYPE_URL, ZIPKIN_TYPE_URL } from './envoy/tracing/tracing.ts';
export type * from './envoy/types.ts';
export { acceptedExtensionTypeUrls } from './envoy/validate/accepted-extensions.ts';
export { parseBootstrapText } from './envoy/validate/parse-bootstrap-text.ts';
export { type ConfigTextResult, parseConfigText } from './envoy/validate/parse-config-text.ts';
export { type BootstrapValidation, validateBootstrap } from './envoy/validate/validate-bootstrap.ts';
export {
  RESOURCE_TYPE_URLS,
  type ResourceValidation,
  validateResource,
  type XdsResourceTypes,
} from './envoy/validate/validate-resource.ts';
export { analyzeConfigs } from './istio/analyze/analyze-configs.ts';
export { resolveHost } from './istio/analyze/host-names.ts';
export {
  buildServiceRegistry,
  type RegistryInput,
  type ServiceRegistry,
} from './istio/analyze/service-registry.ts';
export { readWorkloadLabels, type WorkloadLabels } from './istio/analyze/workload-labels.ts';
export { protocolFromPort } from './istio/core/protocol.ts';
export { formatIstioIssue, type IstioIssue, type IstioObjectRef, isErrorIssue } from './istio/istio-issue.ts';
export { IstioIssueCode } from './istio/istio-issue-codes.ts';
// Istio config: YAML in, validated objects out (`validateIstioObject`), and cross-object analysis.
export type * from './istio/types.ts';
export {
  type IstioDocument,
  type ParsedIstioFile,
  parseIstioDocuments,
} from './istio/validate/parse-istio-documents.ts';
export { type IstioConfigRead, readIstioConfig } from './istio/validate/read-istio-config.ts';
export {
  type IstioValidation,
  type ValidateOptions,
  validateIstioObject,
} from './istio/validate/validate-istio-object.ts';
