import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { rawObject } from '../testing/raw-objects.ts';
import type { IstioObject } from '../types.ts';
import { validateIstioObject } from '../validate/validate-istio-object.ts';
import { analyzeConfigs } from './analyze-configs.ts';
import { resolveHost } from './host-names.ts';
import { buildServiceRegistry } from './service-registry.ts';
import { readWorkloadLabels } from './workload-labels.ts';

function object(
  kind: string,
  spec: unknown,
  name = 'test',
  namespace = 'default',
  source = 'a.yaml',
): IstioObject {
  const raw = { ...rawObject(kind, spec, name), metadata: { name, namespace } };
  const r = validateIstioObject(raw, source);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.object;
}

const service = (name: string, app = name) =>
  object('Service', { selector: { app }, ports: [{ name: 'http', port: 9080 }] }, name);
const route = (host: string, subset?: string) => ({
  hosts: [host],
  http: [{ route: [{ destination: { host, ...(subset ? { subset } : {}) } }] }],
});
const subsets = (host: string, ...names: string[]) => ({
  host,
  subsets: names.map((n) => ({ name: n, labels: { version: n } })),
});
const workloads = [
  { kind: 'Deployment', name: 'reviews-v1', namespace: 'default', labels: { app: 'reviews', version: 'v1' } },
  { kind: 'Deployment', name: 'reviews-v2', namespace: 'default', labels: { app: 'reviews', version: 'v2' } },
];
const registry = buildServiceRegistry({ objects: [service('reviews')], workloads });
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('analyzeConfigs', () => {
  it('passes consistent config', () => {
    const issues = analyzeConfigs(
      [
        object('VirtualService', route('reviews', 'v1'), 'reviews'),
        object('DestinationRule', subsets('reviews', 'v1', 'v2'), 'reviews'),
      ],
      registry,
    );
    assert.deepEqual(issues, []);
  });

  it('reports unknown hosts with the resolved name, and accepts ServiceEntry hosts', () => {
    const [issue] = analyzeConfigs([object('VirtualService', route('ratings'), 'ratings')], registry);
    assert.equal(issue!.code, IstioIssueCode.unknownHost);
    assert.equal(
      issue!.message,
      'a.yaml: VirtualService default/ratings: spec.http[0].route[0].destination.host: host "ratings" (ratings.default.svc.cluster.local) is not a known service: no Service or ServiceEntry defines it',
    );
    const se = object('ServiceEntry', {
      hosts: ['api.example.com'],
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
      resolution: 'DNS',
    });
    assert.deepEqual(
      analyzeConfigs([se, object('VirtualService', route('api.example.com'), 'api')], registry),
      [],
    );
  });

  it('reports subsets no DestinationRule defines', () => {
    const issues = analyzeConfigs(
      [
        object('VirtualService', route('reviews', 'v3'), 'reviews'),
        object('DestinationRule', subsets('reviews', 'v1'), 'reviews'),
      ],
      registry,
    );
    assert.deepEqual(codes(issues), [IstioIssueCode.unknownSubset]);
    assert.match(
      issues[0]!.message,
      /destination\.subset: subset "v3" of host "reviews" is not defined: DestinationRule default\/reviews \(a\.yaml\) defines v1/,
    );
    const none = analyzeConfigs([object('VirtualService', route('reviews', 'v1'), 'reviews')], registry);
    assert.match(none[0]!.message, /no DestinationRule applies to host "reviews"/);
  });

  it('does not check the destinations of VirtualServices bound only to gateways', () => {
    const vs = object('VirtualService', { ...route('nowhere'), gateways: ['istio-system/gw'] }, 'gw');
    const gateway = object(
      'Gateway',
      {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
      'gw',
      'istio-system',
    );
    assert.deepEqual(analyzeConfigs([vs, gateway], registry), []);
  });

  it('warns about gateways no Gateway defines (IST0101), in spec.gateways and in matches', () => {
    const gateway = object(
      'Gateway',
      { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
      'edge',
    );
    const vs = object(
      'VirtualService',
      {
        hosts: ['reviews'],
        gateways: ['edge', 'mesh', 'missing', 'gw.istio-system'],
        http: [
          {
            match: [{ gateways: ['default/edge', 'other/edge'] }],
            route: [{ destination: { host: 'reviews' } }],
          },
        ],
      },
      'front',
    );
    const issues = analyzeConfigs([gateway, vs], registry);
    assert.deepEqual(codes(issues), [
      IstioIssueCode.unknownGateway,
      IstioIssueCode.unknownGateway,
      IstioIssueCode.unknownGateway,
    ]);
    assert.deepEqual(
      issues.map((i) => i.message),
      [
        'a.yaml: VirtualService default/front: spec.gateways[2]: gateway "missing" (default/missing) is not defined: no Gateway default/missing was found',
        'a.yaml: VirtualService default/front: spec.gateways[3]: gateway "gw.istio-system" (istio-system/gw) is not defined: no Gateway istio-system/gw was found',
        'a.yaml: VirtualService default/front: spec.http[0].match[0].gateways[1]: gateway "other/edge" is not defined: no Gateway other/edge was found',
      ],
    );
    assert.ok(!issues.some(isErrorIssue));
  });

  it('warns about conflicting and duplicate definitions', () => {
    const issues = analyzeConfigs(
      [
        object('VirtualService', route('reviews'), 'one'),
        object('VirtualService', route('reviews.default.svc.cluster.local'), 'two'),
        object('DestinationRule', { host: 'reviews' }, 'dr1', 'default', 'x.yaml'),
        object('DestinationRule', { host: 'reviews' }, 'dr2'),
        object('DestinationRule', { host: 'reviews' }, 'dr1', 'default', 'y.yaml'),
      ],
      registry,
    );
    assert.deepEqual(codes(issues), [
      IstioIssueCode.redefined,
      IstioIssueCode.hostConflict,
      IstioIssueCode.duplicateDestinationRule,
    ]);
    assert.match(issues[0]!.message, /^x\.yaml: DestinationRule default\/dr1: also defined in y\.yaml/);
  });

  it('warns about selectors and subsets that match nothing known', () => {
    const issues = analyzeConfigs(
      [
        object('DestinationRule', subsets('reviews', 'v1', 'v9'), 'reviews'),
        object('Sidecar', { workloadSelector: { labels: { app: 'ghost' } }, egress: [{ hosts: ['./*'] }] }),
      ],
      registry,
    );
    assert.deepEqual(codes(issues), [
      IstioIssueCode.noMatchingWorkload,
      IstioIssueCode.subsetWithoutEndpoints,
    ]);
    assert.match(
      issues[1]!.message,
      /spec\.subsets\[1\]\.labels: subset "v9" \(version=v9\) matches no known endpoint/,
    );
  });
});

describe('host names and workloads', () => {
  it('resolves short names in the namespace of the config', () => {
    assert.equal(resolveHost('reviews', 'prod'), 'reviews.prod.svc.cluster.local');
    assert.equal(resolveHost('reviews.prod.svc.cluster.local', 'default'), 'reviews.prod.svc.cluster.local');
    assert.equal(resolveHost('*.example.com', 'default'), '*.example.com');
  });

  it('reads pod labels from workload objects', () => {
    const deployment = {
      kind: 'Deployment',
      metadata: { name: 'r' },
      spec: { template: { metadata: { labels: { app: 'r' } } } },
    };
    assert.deepEqual(readWorkloadLabels(deployment), {
      kind: 'Deployment',
      name: 'r',
      namespace: 'default',
      labels: { app: 'r' },
    });
    assert.equal(readWorkloadLabels({ kind: 'ConfigMap' }), undefined);
  });
});
