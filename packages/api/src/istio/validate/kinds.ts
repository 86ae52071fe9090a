/**
 * The kinds the config reader knows: supported ones with their spec schema and API versions, and kinds that
 * are recognized but not applied (checked shallowly, then reported as not supported).
 */
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkExportTo } from '../core/export-to.ts';
import { kubeEndpointSlice, kubeEndpoints } from '../kube/endpoints.ts';
import { kubeService } from '../kube/service.ts';
import { destinationRule } from '../networking/destination-rule.ts';
import { envoyFilter } from '../networking/envoy-filter.ts';
import { checkGatewayMeta, gateway } from '../networking/gateway.ts';
import { serviceEntry } from '../networking/service-entry.ts';
import { sidecar } from '../networking/sidecar.ts';
import { virtualService } from '../networking/virtual-service.ts';
import { workloadEntry } from '../networking/workload-entry.ts';
import { authorizationPolicy } from '../security/authorization-policy.ts';
import { peerAuthentication } from '../security/peer-authentication.ts';
import { requestAuthentication } from '../security/request-authentication.ts';
import { telemetry } from '../telemetry/telemetry.ts';
import type { IstioKind, ObjectMeta } from '../types.ts';
import type { Json } from '../unsupported/raw-checks.ts';
import { checkWasmPlugin } from '../unsupported/wasm-plugin.ts';
import { checkProxyConfig, checkWorkloadGroup } from '../unsupported/workload-group.ts';

const NETWORKING = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];
const SECURITY = ['security.istio.io/v1', 'security.istio.io/v1beta1'];

export interface SupportedKind {
  readonly kind: IstioKind;
  readonly apiVersions: readonly string[];
  readonly schema: Schema<unknown>;
  /** Where the spec is: under `spec`, or the object's top level (Endpoints, EndpointSlice). */
  readonly specAt: 'spec' | 'top';
  /** Checks that need the object's metadata; may adjust the spec. */
  readonly withMeta?: (spec: never, meta: ObjectMeta, ctx: ValidationContext) => void;
  /** Rules for the object's name beyond Kubernetes' (reported at `metadata.name`). */
  readonly checkName?: (meta: ObjectMeta, ctx: ValidationContext) => void;
}

const exportTo = (spec: { exportTo: string[] }, meta: ObjectMeta, ctx: ValidationContext) =>
  checkExportTo(spec.exportTo, meta.namespace, ctx.field('exportTo'));

export const SUPPORTED_KINDS: readonly SupportedKind[] = [
  {
    kind: 'VirtualService',
    apiVersions: NETWORKING,
    schema: virtualService,
    specAt: 'spec',
    withMeta: exportTo,
  },
  {
    kind: 'DestinationRule',
    apiVersions: NETWORKING,
    schema: destinationRule,
    specAt: 'spec',
    withMeta: (spec: { exportTo: string[]; workloadSelector?: object }, meta, ctx) =>
      checkExportTo(spec.exportTo, meta.namespace, ctx.field('exportTo'), {
        withWorkloadSelector: spec.workloadSelector !== undefined,
      }),
  },
  {
    kind: 'ServiceEntry',
    apiVersions: NETWORKING,
    schema: serviceEntry,
    specAt: 'spec',
    withMeta: (spec: { exportTo: string[] }, meta, ctx) =>
      checkExportTo(spec.exportTo, meta.namespace, ctx.field('exportTo'), { allowNone: true }),
  },
  { kind: 'WorkloadEntry', apiVersions: NETWORKING, schema: workloadEntry, specAt: 'spec' },
  { kind: 'Sidecar', apiVersions: NETWORKING, schema: sidecar, specAt: 'spec' },
  { kind: 'Gateway', apiVersions: NETWORKING, schema: gateway, specAt: 'spec', checkName: checkGatewayMeta },
  {
    kind: 'Telemetry',
    apiVersions: ['telemetry.istio.io/v1', 'telemetry.istio.io/v1alpha1'],
    schema: telemetry,
    specAt: 'spec',
  },
  { kind: 'EnvoyFilter', apiVersions: ['networking.istio.io/v1alpha3'], schema: envoyFilter, specAt: 'spec' },
  { kind: 'PeerAuthentication', apiVersions: SECURITY, schema: peerAuthentication, specAt: 'spec' },
  { kind: 'AuthorizationPolicy', apiVersions: SECURITY, schema: authorizationPolicy, specAt: 'spec' },
  { kind: 'RequestAuthentication', apiVersions: SECURITY, schema: requestAuthentication, specAt: 'spec' },
  { kind: 'Service', apiVersions: ['v1'], schema: kubeService, specAt: 'spec' },
  { kind: 'Endpoints', apiVersions: ['v1'], schema: kubeEndpoints, specAt: 'top' },
  {
    kind: 'EndpointSlice',
    apiVersions: ['discovery.k8s.io/v1'],
    schema: kubeEndpointSlice,
    specAt: 'top',
    withMeta: (spec: { serviceName: string }, meta) => {
      spec.serviceName = meta.labels['kubernetes.io/service-name'] ?? '';
    },
  },
];

export interface RecognizedKind {
  readonly kind: string;
  /** API group (`networking.istio.io`); apiVersion must be in it. */
  readonly group: string;
  readonly check: (spec: Json, ctx: ValidationContext) => void;
  readonly note: string;
}

/** Istio kinds Tandem recognizes but does not apply yet. */
export const RECOGNIZED_KINDS: readonly RecognizedKind[] = [
  {
    kind: 'WorkloadGroup',
    group: 'networking.istio.io',
    check: checkWorkloadGroup,
    note: 'VM auto-registration is not supported yet',
  },
  {
    kind: 'ProxyConfig',
    group: 'networking.istio.io',
    check: checkProxyConfig,
    note: 'per-workload proxy settings are not supported yet',
  },
  {
    kind: 'WasmPlugin',
    group: 'extensions.istio.io',
    check: checkWasmPlugin,
    note: 'Wasm plugins are not supported',
  },
  {
    kind: 'TrafficExtension',
    group: 'extensions.istio.io',
    check: () => {},
    note: 'traffic extensions are not supported',
  },
];

export function findSupportedKind(kind: string): SupportedKind | undefined {
  return SUPPORTED_KINDS.find((k) => k.kind === kind);
}

export function findRecognizedKind(apiVersion: string, kind: string): RecognizedKind | undefined {
  return RECOGNIZED_KINDS.find((k) => k.kind === kind && apiVersion.startsWith(`${k.group}/`));
}
