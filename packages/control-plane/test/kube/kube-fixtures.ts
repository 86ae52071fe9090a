/** Kubernetes objects for the registry tests (bookinfo's reviews service, two pods). */
import { IstioResources, KubeResources } from '../../src/kube/kube-resources.ts';
import type { FakeApiServer } from './fake-api-server.ts';

export const PATHS = {
  services: KubeResources.services.path,
  slices: KubeResources.endpointSlices.path,
  pods: KubeResources.pods.path,
  namespaces: KubeResources.namespaces.path,
  destinationRules: IstioResources.find((r) => r.kind === 'DestinationRule')!.path,
  webhooks: KubeResources.webhookConfigurations.path,
};

export function defineAll(api: FakeApiServer): void {
  for (const r of [...Object.values(KubeResources), ...IstioResources])
    api.define(r.path, r.kind, r.apiVersion);
}

export function reviewsService(port = 9080) {
  return {
    metadata: { name: 'reviews', namespace: 'default', labels: { app: 'reviews' } },
    spec: {
      selector: { app: 'reviews' },
      clusterIP: '10.96.0.20',
      ports: [{ name: 'http', port, protocol: 'TCP' }],
    },
  };
}

export function reviewsSlice(endpoints: { ip: string; ready?: boolean; pod: string }[]) {
  return {
    metadata: {
      name: 'reviews-abcde',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'reviews' },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true },
      targetRef: { kind: 'Pod', name: e.pod, namespace: 'default' },
    })),
    ports: [{ name: 'http', port: 9080, protocol: 'TCP' }],
  };
}

export function reviewsPod(name: string, ip: string, version: string) {
  return {
    metadata: { name, namespace: 'default', labels: { app: 'reviews', version } },
    spec: { serviceAccountName: 'bookinfo-reviews', containers: [{ name: 'reviews', image: 'reviews:1' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

export function reviewsDestinationRule() {
  return {
    metadata: { name: 'reviews', namespace: 'default' },
    spec: {
      host: 'reviews',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  };
}
