import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, valid, warningsOf } from '../testing/raw-objects.ts';

const only = (errors: string[], pattern: RegExp) => {
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, pattern);
};
const port = (number: number, name: string, protocol?: string) => ({
  number,
  name,
  ...(protocol ? { protocol } : {}),
});

describe('ServiceEntry', () => {
  it('derives port protocols from names when unset', () => {
    const o = valid('ServiceEntry', {
      hosts: ['api.example.com'],
      ports: [port(80, 'http-web'), port(9000, 'grpc-x'), port(5432, 'db')],
      resolution: 'DNS',
    });
    assert.deepEqual(
      o.spec.ports.map((p) => p.protocol),
      ['HTTP', 'GRPC', 'TCP'],
    );
    assert.equal(o.spec.location, 'MESH_EXTERNAL');
  });

  it('ties resolution to addresses and endpoints', () => {
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], addresses: ['10.0.0.0/8'], resolution: 'DNS' }),
      /CIDR addresses are only allowed with resolution NONE or STATIC/,
    );
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], endpoints: [{ address: '1.2.3.4' }] }),
      /resolution NONE takes no endpoints/,
    );
    only(
      errorsOf('ServiceEntry', {
        hosts: ['a.com'],
        resolution: 'STATIC',
        endpoints: [{ address: 'vm.example.com' }],
      }),
      /is not an IP address/,
    );
    only(
      errorsOf('ServiceEntry', { hosts: ['*.a.com'], resolution: 'DNS' }),
      /hosts must be DNS names .* no endpoints/,
    );
    only(
      errorsOf('ServiceEntry', {
        hosts: ['a.com'],
        resolution: 'DNS_ROUND_ROBIN',
        endpoints: [{ address: 'x.com' }, { address: 'y.com' }],
      }),
      /at most one endpoint/,
    );
    only(
      errorsOf('ServiceEntry', {
        hosts: ['a.com', 'b.com'],
        ports: [port(5432, 'tcp-db', 'TCP')],
        resolution: 'DNS',
      }),
      /several hosts cannot share non-HTTP, non-TLS ports/,
    );
    only(
      errorsOf('ServiceEntry', {
        hosts: ['a.com'],
        ports: [port(80, 'http')],
        resolution: 'STATIC',
        endpoints: [{ address: '1.1.1.1', ports: { web: 8080 } }],
      }),
      /port "web" .* is not a port name of the ServiceEntry/,
    );
    only(
      errorsOf('ServiceEntry', {
        hosts: ['a.com'],
        resolution: 'STATIC',
        workloadSelector: { labels: { app: 'x' } },
        endpoints: [],
      }),
      /only one of workloadSelector and endpoints/,
    );
  });

  it('checks hosts, ports and protocols', () => {
    only(errorsOf('ServiceEntry', { hosts: ['*'] }), /host "\*" is not allowed/);
    only(errorsOf('ServiceEntry', { hosts: [] }), /needs at least one host/);
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], ports: [port(80, 'http'), port(80, 'web')] }),
      /port 80 is already defined/,
    );
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], ports: [port(80, 'http', 'QUIC')] }),
      /unsupported protocol "QUIC"/,
    );
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], ports: [port(0, 'http')] }),
      /must be between 1 and 65535/,
    );
    only(
      errorsOf('ServiceEntry', { hosts: ['a.com'], resolution: 'DYNAMIC_DNS' }),
      /DYNAMIC_DNS is not supported by Tandem/,
    );
  });
});

describe('WorkloadEntry', () => {
  it('accepts IPs, DNS names and unix sockets', () => {
    assert.equal(
      valid('WorkloadEntry', { address: '10.0.0.1', ports: { http: 8080 }, labels: { app: 'vm' } }).spec.ports
        .http,
      8080,
    );
    assert.deepEqual(errorsOf('WorkloadEntry', { address: 'vm.example.com' }), []);
    only(errorsOf('WorkloadEntry', { address: 'not a name' }), /neither an IP address nor a DNS name/);
  });
});

describe('Sidecar', () => {
  it('validates egress hosts as namespace/dnsName', () => {
    const o = valid('Sidecar', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    assert.deepEqual(o.spec.egress[0]!.hosts, ['./*', 'istio-system/*']);
    only(errorsOf('Sidecar', { egress: [{ hosts: ['reviews'] }] }), /must be of the form namespace\/dnsName/);
    only(errorsOf('Sidecar', { egress: [{ hosts: ['default/reviews'] }] }), /short names are not allowed/);
    only(errorsOf('Sidecar', { egress: [{ hosts: [] }] }), /needs at least one host/);
  });

  it('checks listeners and the overall shape', () => {
    only(errorsOf('Sidecar', {}), /needs ingress, egress, outboundTrafficPolicy or inboundConnectionPool/);
    only(
      errorsOf('Sidecar', { egress: [{ hosts: ['*/*'] }, { port: port(80, 'http'), hosts: ['*/*'] }] }),
      /only the last egress listener may leave out the port/,
    );
    only(
      errorsOf('Sidecar', { ingress: [{ port: port(9080, 'http'), defaultEndpoint: '10.0.0.1:80' }] }),
      /defaultEndpoint must be/,
    );
    only(
      errorsOf('Sidecar', {
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'proxy.a.com' } },
      }),
      /egressProxy needs mode ALLOW_ANY/,
    );
    assert.match(
      warningsOf('Sidecar', { workloadSelector: {}, egress: [{ hosts: ['./*'] }] }).join('\n'),
      /selects every workload/,
    );
  });
});
