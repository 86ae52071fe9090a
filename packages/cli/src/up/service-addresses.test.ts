import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4Cidr } from './ipv4-cidr.ts';
import type { WorkloadDecl } from './manifest.ts';
import { allocateServiceAddresses, buildPodHosts } from './service-addresses.ts';

const workload = (name: string, namespace: string, ports = 1) =>
  ({
    name,
    namespace,
    ports: Array.from({ length: ports }, () => ({ port: 9080 })),
  }) as unknown as WorkloadDecl;

describe('service addresses', () => {
  it('gives each service one address, in sorted order, and none to workloads that serve nothing', () => {
    const addresses = allocateServiceAddresses(
      [
        workload('reviews', 'default'),
        workload('reviews', 'default'),
        workload('job', 'default', 0),
        workload('db', 'data'),
      ],
      parseIpv4Cidr('--service-cidr', '10.90.0.0/16'),
    );
    assert.deepEqual(
      [...addresses],
      [
        ['data/db', '10.90.0.1'],
        ['default/reviews', '10.90.0.2'],
      ],
    );
  });

  it("names every service in a pod's hosts file, short names for the pod's own namespace only", () => {
    const hosts = buildPodHosts(
      new Map([
        ['data/db', '10.90.0.1'],
        ['default/reviews', '10.90.0.2'],
      ]),
      { name: 'front-0', ip: '10.89.0.2', namespace: 'default' },
    );
    assert.deepEqual(hosts.split('\n').slice(2), [
      '10.89.0.2 front-0',
      '10.90.0.1 db.data.svc.cluster.local db.data.svc db.data',
      '10.90.0.2 reviews.default.svc.cluster.local reviews.default.svc reviews.default reviews',
      '',
    ]);
  });
});
