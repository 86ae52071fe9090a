export const TANDEM_VERSION = '0.1.0';

// Envoy config validation: raw bootstrap / xDS resources in, validated domain types out.
export { type ConfigIssue, formatConfigIssue } from './envoy/config-issue.ts';
export { compileRe2, type Re2Result } from './envoy/core/re2.ts';
export { registerHttpFilterSchema } from './envoy/hcm/http-filter-registry.ts';
export { ROUTER_TYPE_URL, type RouterConfig } from './envoy/hcm/router.ts';
export { ConfigIssueCode, type ConfigIssueCodeValue } from './envoy/issue-codes.ts';
export * as envoySchema from './envoy/schema/dsl.ts';
export type * from './envoy/types.ts';
export { parseBootstrapText } from './envoy/validate/parse-bootstrap-text.ts';
export { type ConfigTextResult, parseConfigText } from './envoy/validate/parse-config-text.ts';
export { type BootstrapValidation, validateBootstrap } from './envoy/validate/validate-bootstrap.ts';
export {
  RESOURCE_TYPE_URLS,
  type ResourceValidation,
  validateResource,
  type XdsResourceTypes,
} from './envoy/validate/validate-resource.ts';
