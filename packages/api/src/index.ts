// Envoy config validation: raw bootstrap / xDS resources in, validated domain types out.
export * from './envoy/index.ts';
export { parseBootstrapText } from './envoy/validate/parse-bootstrap-text.ts';
export { type ConfigTextResult, parseConfigText } from './envoy/validate/parse-config-text.ts';
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
