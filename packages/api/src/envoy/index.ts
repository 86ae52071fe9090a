/**
 * Envoy config validation without YAML or Istio: raw bootstrap / xDS resources in, validated domain types
 * out. What a sidecar needs (`@tandem/api/envoy`); the top-level `@tandem/api` adds text parsing (YAML)
 * and Istio's kinds, which a sidecar never loads.
 */
export { TANDEM_VERSION } from '../version.ts';
export { ENVOY_DEFAULT_FORMAT, FILE_ACCESS_LOG_TYPE_URL } from './access-log/access-log.ts';
export { parseFormatString } from './access-log/format-string.ts';
export { type ConfigIssue, formatConfigIssue } from './config-issue.ts';
export { compileRe2, type Re2Result } from './core/re2.ts';
export type { TokenBucket } from './core/token-bucket.ts';
export { CORS_POLICY_TYPE_URL, CORS_TYPE_URL, type CorsPolicyConfig } from './filters/cors.ts';
export { FAULT_TYPE_URL, type FaultConfig } from './filters/fault.ts';
export {
  LOCAL_RATE_LIMIT_TYPE_URL,
  type LocalRateLimitConfig,
  type LocalRateLimitDescriptor,
} from './filters/local-rate-limit.ts';
export { registerHttpFilterSchema } from './hcm/http-filter-registry.ts';
export { ROUTER_TYPE_URL, type RouterConfig } from './hcm/router.ts';
export { ConfigIssueCode, type ConfigIssueCodeValue } from './issue-codes.ts';
export * as envoySchema from './schema/dsl.ts';
export { JWT_AUTHN_TYPE_URL } from './security/jwt-authn.ts';
export { HTTP_RBAC_TYPE_URL, NETWORK_RBAC_TYPE_URL } from './security/rbac-filters.ts';
export { OPENTELEMETRY_TYPE_URL, ZIPKIN_TYPE_URL } from './tracing/tracing.ts';
export type * from './types.ts';
export { acceptedExtensionTypeUrls } from './validate/accepted-extensions.ts';
export { type BootstrapValidation, validateBootstrap } from './validate/validate-bootstrap.ts';
export {
  RESOURCE_TYPE_URLS,
  type ResourceValidation,
  validateResource,
  type XdsResourceTypes,
} from './validate/validate-resource.ts';
