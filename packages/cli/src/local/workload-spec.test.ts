import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolvePorts } from './port-decl.ts';
import { outboundListenerName, type WorkloadSpec, workloadBootstrap, workloadEnv } from './workload-spec.ts';

const spec = (transparent?: WorkloadSpec['transparent']): WorkloadSpec => ({
  service: 'reviews',
  instance: 'reviews-v1-0',
  namespace: 'default',
  serviceAccount: 'bookinfo-reviews',
  labels: { app: 'reviews', version: 'v1' },
  ports: [{ name: 'http', port: 9080, protocol: 'HTTP', endpointPort: 9080, targetPort: 9080 }],
  proxyPort: transparent === undefined ? 41000 : 0,
  adminPort: 15000,
  controlPlane: { host: '10.89.0.1', port: 15010 },
  ...(transparent === undefined ? {} : { transparent }),
});

type Node = { id: string; metadata: Record<string, unknown> };

describe('workload spec', () => {
  it('explicit mode: HTTP_PROXY for the application, the proxy listener as the only outbound', () => {
    const node = workloadBootstrap(spec()).node as Node;
    assert.equal(node.metadata['INTERCEPTION_MODE'], 'NONE');
    assert.equal(node.metadata['OUTBOUND_LISTENERS'], 'http-proxy');
    assert.equal(workloadEnv(spec())['HTTP_PROXY'], 'http://127.0.0.1:41000');
    assert.equal(outboundListenerName(spec()), '127.0.0.1_41000');
  });

  it('transparent mode: REDIRECT at the pod IP, the service address registered, no HTTP_PROXY', () => {
    const transparent = spec({ podIp: '10.89.0.4', serviceAddress: '10.90.0.2' });
    const node = workloadBootstrap(transparent).node as Node;
    assert.equal(node.id, 'sidecar~10.89.0.4~reviews-v1-0.default~default.svc.cluster.local');
    assert.equal(node.metadata['INTERCEPTION_MODE'], 'REDIRECT');
    assert.equal(node.metadata['INSTANCE_IPS'], '10.89.0.4');
    assert.equal(node.metadata['HTTP_PROXY_PORT'], undefined);
    assert.equal(
      (node.metadata['TANDEM_WORKLOAD'] as { serviceAddress: string }).serviceAddress,
      '10.90.0.2',
    );
    const env = workloadEnv(transparent);
    assert.equal(env['HTTP_PROXY'], undefined);
    assert.equal(env['PORT'], '9080');
    assert.equal(outboundListenerName(transparent), 'virtualOutbound');
  });

  it('transparent ports: `auto` is the service port, and peers connect to the application port', async () => {
    const ports = await resolvePorts(
      [
        { port: 9080, protocol: 'HTTP', targetPort: 'auto' },
        { port: 9000, protocol: 'TCP', targetPort: 7000 },
      ],
      'transparent',
    );
    assert.deepEqual(
      ports.map((p) => [p.port, p.endpointPort, p.targetPort]),
      [
        [9080, 9080, 9080],
        [9000, 7000, 7000],
      ],
    );
  });
});
