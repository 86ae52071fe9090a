import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawObject, valid } from '../testing/raw-objects.ts';
import { validateIstioObject } from '../validate/validate-istio-object.ts';

describe('Kubernetes Service', () => {
  it('derives the mesh protocol of each port like Istio', () => {
    const o = valid('Service', {
      selector: { app: 'reviews' },
      ports: [
        { name: 'http', port: 9080 },
        { name: 'grpc-web-ui', port: 8080 },
        { name: 'web', port: 8081, appProtocol: 'kubernetes.io/h2c' },
        { name: 'metrics', port: 9090, targetPort: 'metrics' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    });
    assert.deepEqual(
      o.spec.ports.map((p) => p.meshProtocol),
      ['HTTP', 'GRPC-WEB', 'HTTP2', 'TCP', 'UDP'],
    );
    assert.equal(o.spec.ports[0]!.targetPort, 9080);
    assert.equal(o.spec.ports[3]!.targetPort, 'metrics');
    assert.equal(o.spec.type, 'ClusterIP');
  });

  it('rejects bad ports and unnamed ports among several', () => {
    const r = validateIstioObject(
      rawObject('Service', { ports: [{ port: 80 }, { port: 0, name: 'b' }] }),
      's.yaml',
    );
    assert.equal(r.ok, false);
    const messages = r.ok ? [] : r.errors.map((e) => e.message);
    assert.ok(
      messages.some((m) => /spec\.ports\[1\]\.port: must be between 1 and 65535/.test(m)),
      messages.join('\n'),
    );
  });
});

describe('Endpoints and EndpointSlice', () => {
  it('reads Endpoints subsets from the top level', () => {
    const raw = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'reviews' },
      subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'http', port: 9080 }] }],
    };
    const r = validateIstioObject(raw, 'e.yaml');
    assert.ok(r.ok && r.object.kind === 'Endpoints');
    assert.equal(r.object.spec.subsets[0]!.addresses[0]!.ip, '10.1.2.3');
    const bad = validateIstioObject({ ...raw, subsets: [{ addresses: [{ ip: 'ten' }] }] }, 'e.yaml');
    assert.ok(
      !bad.ok && /subsets\[0\]\.addresses\[0\]\.ip: "ten" is not an IP address/.test(bad.errors[0]!.message),
    );
  });

  it('takes the EndpointSlice service from its label and checks addresses against the address type', () => {
    const raw = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'reviews-abc', labels: { 'kubernetes.io/service-name': 'reviews' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: false }, zone: 'z1' }],
      ports: [{ name: 'http', port: 9080 }],
    };
    const r = validateIstioObject(raw, 'es.yaml');
    assert.ok(r.ok && r.object.kind === 'EndpointSlice');
    assert.equal(r.object.spec.serviceName, 'reviews');
    assert.equal(r.object.spec.endpoints[0]!.ready, false);
    const bad = validateIstioObject({ ...raw, addressType: 'IPv6' }, 'es.yaml');
    assert.ok(!bad.ok && /is not an IPv6 address/.test(bad.errors[0]!.message));
  });
});
