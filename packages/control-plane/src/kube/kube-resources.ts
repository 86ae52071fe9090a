/** The collections Tandem reads from the Kubernetes API, with the kind and version their items carry. */

export interface KubeResource {
  path: string;
  kind: string;
  apiVersion: string;
}

const core = (plural: string, kind: string): KubeResource => ({
  path: `/api/v1/${plural}`,
  kind,
  apiVersion: 'v1',
});
const group = (g: string, v: string, plural: string, kind: string): KubeResource => ({
  path: `/apis/${g}/${v}/${plural}`,
  kind,
  apiVersion: `${g}/${v}`,
});

export const KubeResources = {
  services: core('services', 'Service'),
  pods: core('pods', 'Pod'),
  namespaces: core('namespaces', 'Namespace'),
  endpointSlices: group('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  webhookConfigurations: group(
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
  ),
} as const;

/** The Istio kinds Tandem reads, at the version it stores them as (v1 since Istio 1.22). */
export const IstioResources: readonly KubeResource[] = [
  group('networking.istio.io', 'v1', 'virtualservices', 'VirtualService'),
  group('networking.istio.io', 'v1', 'destinationrules', 'DestinationRule'),
  group('networking.istio.io', 'v1', 'serviceentries', 'ServiceEntry'),
  group('networking.istio.io', 'v1', 'workloadentries', 'WorkloadEntry'),
  group('networking.istio.io', 'v1', 'sidecars', 'Sidecar'),
  group('security.istio.io', 'v1', 'peerauthentications', 'PeerAuthentication'),
  group('security.istio.io', 'v1', 'authorizationpolicies', 'AuthorizationPolicy'),
  group('security.istio.io', 'v1', 'requestauthentications', 'RequestAuthentication'),
];
