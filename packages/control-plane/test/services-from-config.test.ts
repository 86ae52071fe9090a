/**
 * The local registry: services from ServiceEntry (inline endpoints, or a workloadSelector over
 * WorkloadEntries) and from Kubernetes Service + Endpoints / EndpointSlice manifests, parsed from
 * YAML through the same validation the control plane uses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readIstioConfig } from '@tandem/api';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';

function services(yaml: string) {
  const read = readIstioConfig(yaml, 'test.yaml');
  const errors = read.issues.filter((i) => i.code.startsWith('TANDEM_ERR_'));
  assert.deepEqual(errors, []);
  return new Map(servicesFromConfig(read.objects).map((s) => [s.hostname, s]));
}

describe('services from config', () => {
  it('takes ServiceEntry endpoints from WorkloadEntries selected by labels, with their port mapping', () => {
    const s = services(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ratings, namespace: shop }
spec:
  hosts: [ratings]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http }]
  workloadSelector: { labels: { app: ratings } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: ratings-1, namespace: shop, labels: { app: ratings, version: v1 } }
spec: { address: 10.1.0.1, ports: { http: 19080 }, locality: eu/west/a, serviceAccount: ratings }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: other, namespace: shop }
spec: { address: 10.1.0.9, labels: { app: other } }
`).get('ratings.shop.svc.cluster.local')!;
    assert.equal(s.ports[0]!.protocol, 'HTTP');
    assert.deepEqual(
      s.endpoints.map((e) => [
        e.address,
        e.ports['http'],
        e.labels['version'],
        e.locality.zone,
        e.serviceAccount,
      ]),
      [['10.1.0.1', 19080, 'v1', 'west', 'ratings']],
    );
  });

  it('builds services from Kubernetes Service + Endpoints and Service + EndpointSlice', () => {
    const all = services(`
apiVersion: v1
kind: Service
metadata: { name: details, namespace: default }
spec:
  selector: { app: details }
  ports: [{ name: http, port: 9080, targetPort: 9080 }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: details, namespace: default }
subsets:
  - addresses: [{ ip: 10.2.0.1 }, { ip: 10.2.0.2 }]
    notReadyAddresses: [{ ip: 10.2.0.3 }]
    ports: [{ name: http, port: 9080 }]
---
apiVersion: v1
kind: Service
metadata: { name: grpc-echo, namespace: default }
spec:
  ports: [{ name: grpc, port: 7070, targetPort: 17070, appProtocol: grpc }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: grpc-echo-abc, namespace: default, labels: { kubernetes.io/service-name: grpc-echo } }
addressType: IPv4
endpoints: [{ addresses: [10.3.0.1], conditions: { ready: true }, zone: z1 }]
ports: [{ name: grpc, port: 17070 }]
`);
    const details = all.get('details.default.svc.cluster.local')!;
    assert.deepEqual(
      details.endpoints.map((e) => [e.address, e.healthy]),
      [
        ['10.2.0.1', true],
        ['10.2.0.2', true],
        ['10.2.0.3', false],
      ],
    );
    const echo = all.get('grpc-echo.default.svc.cluster.local')!;
    assert.equal(echo.ports[0]!.protocol, 'GRPC');
    assert.deepEqual(
      echo.endpoints.map((e) => [e.address, e.ports['grpc'], e.locality.zone]),
      [['10.3.0.1', 17070, 'z1']],
    );
  });
});
