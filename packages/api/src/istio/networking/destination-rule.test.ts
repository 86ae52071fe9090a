import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, valid, warningsOf } from '../testing/raw-objects.ts';

const only = (errors: string[], pattern: RegExp) => {
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, pattern);
};
const dr = (trafficPolicy: unknown, extra: Record<string, unknown> = {}) => ({
  host: 'reviews',
  trafficPolicy,
  ...extra,
});

describe('DestinationRule', () => {
  it('validates policies into the typed shape with Istio defaults', () => {
    const o = valid(
      'DestinationRule',
      dr(
        {
          loadBalancer: {
            consistentHash: { httpCookie: { name: 'user', ttl: '0s' }, maglev: { tableSize: 65537 } },
          },
          connectionPool: {
            tcp: { maxConnections: 100, connectTimeout: '30ms' },
            http: { http2MaxRequests: 1000 },
          },
          outlierDetection: { consecutive5xxErrors: 7 },
          tls: { mode: 'ISTIO_MUTUAL' },
          portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }],
        },
        { subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
      ),
    );
    const tp = o.spec.trafficPolicy!;
    assert.deepEqual(tp.loadBalancer, {
      kind: 'consistentHash',
      consistentHash: {
        key: { kind: 'httpCookie', name: 'user', path: '', ttlMs: 0 },
        algorithm: { kind: 'maglev', tableSize: 65537 },
      },
    });
    assert.equal(tp.connectionPool?.tcp?.connectTimeoutMs, 30);
    assert.deepEqual(tp.outlierDetection, {
      consecutive5xxErrors: 7,
      consecutiveGatewayErrors: undefined,
      consecutiveLocalOriginFailures: undefined,
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionPercent: 10,
      minHealthPercent: 0,
    });
    assert.equal(tp.portLevelSettings[0]!.port, 443);
    assert.deepEqual(o.spec.subsets[0]!.labels, { version: 'v1' });
  });

  it('checks subsets', () => {
    only(
      errorsOf('DestinationRule', { host: 'r', subsets: [{ name: 'v1' }, { name: 'v1' }] }),
      /subsets\[1\]: duplicate subset name "v1"/,
    );
    only(
      errorsOf('DestinationRule', { host: 'r', subsets: [{ name: 'V.1' }] }),
      /subsets\[0\]\.name: subset name "V\.1" is not a DNS-1123 label/,
    );
    only(
      errorsOf('DestinationRule', { host: 'r', subsets: [{ name: 'v1', labels: { 'bad key!': 'x' } }] }),
      /invalid label key/,
    );
  });

  it('checks load balancing', () => {
    only(
      errorsOf(
        'DestinationRule',
        dr({ loadBalancer: { consistentHash: { httpHeaderName: 'x', useSourceIp: true } } }),
      ),
      /only one of "httpHeaderName" and "useSourceIp"/,
    );
    only(errorsOf('DestinationRule', dr({ loadBalancer: { consistentHash: {} } })), /one of .* is required/);
    only(
      errorsOf(
        'DestinationRule',
        dr({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } } }),
      ),
      /must be a prime number/,
    );
    only(
      errorsOf('DestinationRule', dr({ loadBalancer: { simple: 'FASTEST' } })),
      /"FASTEST" is not a SimpleLB value/,
    );
  });

  it('checks connection pools, outlier detection and TLS', () => {
    only(errorsOf('DestinationRule', dr({ connectionPool: {} })), /need tcp and\/or http/);
    only(
      errorsOf('DestinationRule', dr({ connectionPool: { http: { maxRetries: -1 } } })),
      /maxRetries: must be at least 0/,
    );
    only(
      errorsOf('DestinationRule', dr({ outlierDetection: { maxEjectionPercent: 120 } })),
      /must be between 0 and 100/,
    );
    only(
      errorsOf('DestinationRule', dr({ outlierDetection: { consecutiveLocalOriginFailures: 3 } })),
      /needs splitExternalLocalOriginErrors/,
    );
    only(
      errorsOf('DestinationRule', dr({ tls: { mode: 'MUTUAL', privateKey: '/k' } })),
      /MUTUAL TLS needs a client certificate/,
    );
    only(
      errorsOf(
        'DestinationRule',
        dr({ tls: { mode: 'SIMPLE', credentialName: 'c', caCertificates: '/ca' } }),
      ),
      /with credentialName/,
    );
    only(errorsOf('DestinationRule', dr({})), /a traffic policy needs at least one of/);
    only(
      errorsOf('DestinationRule', dr({ portLevelSettings: [{ tls: { mode: 'SIMPLE' } }] })),
      /port: missing required field "port"/,
    );
  });

  it('checks exportTo against the namespace and the workload selector', () => {
    only(
      errorsOf('DestinationRule', { host: 'r', exportTo: ['.', 'default'] }),
      /duplicate exportTo entry "default"/,
    );
    only(
      errorsOf('DestinationRule', { host: 'r', exportTo: ['*', 'foo'] }),
      /"\*" must be the only exportTo entry/,
    );
    only(
      errorsOf('DestinationRule', {
        host: 'r',
        exportTo: ['foo'],
        workloadSelector: { matchLabels: { app: 'a' } },
      }),
      /workload selector can only be exported to its own namespace/,
    );
  });

  it('reports fields it does not apply yet', () => {
    const w = warningsOf(
      'DestinationRule',
      dr({
        loadBalancer: { simple: 'ROUND_ROBIN', warmupDurationSecs: '60s' },
        tunnel: { targetHost: 'a.b', targetPort: 8080 },
      }),
    );
    assert.doesNotMatch(w.join('\n'), /warmupDurationSecs/);
    assert.match(w.join('\n'), /tunnel: not supported by Tandem yet/);
  });
});
