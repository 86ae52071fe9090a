import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, valid, warningsOf } from '../testing/raw-objects.ts';

const dest = (host: string, extra: Record<string, unknown> = {}) => ({ destination: { host, ...extra } });
const vs = (http: unknown[], extra: Record<string, unknown> = {}) => ({ hosts: ['reviews'], http, ...extra });
const only = (errors: string[], pattern: RegExp) => {
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, pattern);
};

describe('VirtualService', () => {
  it('validates a typical route into the typed shape, durations in ms', () => {
    const o = valid(
      'VirtualService',
      vs([
        {
          match: [{ uri: { prefix: '/api' }, headers: { 'end-user': { exact: 'jason' }, 'x-any': {} } }],
          route: [
            { ...dest('reviews', { subset: 'v1', port: { number: 9080 } }), weight: 80 },
            { ...dest('reviews', { subset: 'v2' }), weight: 20 },
          ],
          timeout: '1.5s',
          retries: { attempts: 3, perTryTimeout: '100ms', retryOn: '5xx,connect-failure,503' },
          fault: { delay: { fixedDelay: '1h30m', percentage: { value: 10 } } },
          mirror: { host: 'shadow' },
          mirrorPercentage: { value: 5 },
        },
      ]),
    );
    const route = o.spec.http[0]!;
    assert.equal(route.timeoutMs, 1500);
    assert.equal(route.retries?.perTryTimeoutMs, 100);
    assert.deepEqual(route.fault?.delay, { fixedDelayMs: 5_400_000, percentage: 10 });
    assert.deepEqual(route.route[0]!.destination, { host: 'reviews', subset: 'v1', port: 9080 });
    assert.deepEqual(route.match[0]!.headers['x-any'], { kind: 'present' });
    assert.deepEqual(route.mirrors, [
      { destination: { host: 'shadow', subset: '', port: 0 }, percentage: 5 },
    ]);
  });

  it('treats weights as relative: negative weights and an all-zero split are rejected', () => {
    only(
      errorsOf(
        'VirtualService',
        vs([
          {
            route: [
              { ...dest('a'), weight: -1 },
              { ...dest('b'), weight: 101 },
            ],
          },
        ]),
      ),
      /route\[0\]\.weight: must be at least 0/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a'), dest('b')] }])),
      /spec\.http\[0\]\.route: .*total weight is 0/,
    );
    assert.deepEqual(
      errorsOf(
        'VirtualService',
        vs([
          {
            route: [
              { ...dest('a'), weight: 3 },
              { ...dest('b'), weight: 1 },
            ],
          },
        ]),
      ),
      [],
    );
  });

  it('rejects conflicting actions', () => {
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], redirect: { uri: '/x' } }])),
      /cannot have both route and redirect/,
    );
    only(
      errorsOf(
        'VirtualService',
        vs([{ directResponse: { status: 503 }, fault: { abort: { httpStatus: 500 } } }]),
      ),
      /both fault and directResponse/,
    );
    only(
      errorsOf('VirtualService', vs([{ match: [{ uri: { exact: '/' } }] }])),
      /needs route, redirect or directResponse/,
    );
    only(errorsOf('VirtualService', vs([{ redirect: {} }])), /redirect must set at least one/);
    only(
      errorsOf(
        'VirtualService',
        vs([
          { route: [dest('a')], rewrite: { authority: 'x' }, headers: { request: { set: { host: 'y' } } } },
        ]),
      ),
      /authority \(Host\) is set more than once/,
    );
  });

  it('checks regexes (RE2), header names, ports and status codes', () => {
    only(
      errorsOf('VirtualService', vs([{ match: [{ uri: { regex: '(?<=a)b' } }], route: [dest('a')] }])),
      /uri\.regex: invalid RE2 regex/,
    );
    only(
      errorsOf(
        'VirtualService',
        vs([{ match: [{ headers: { 'bad header': { exact: 'x' } } }], route: [dest('a')] }]),
      ),
      /not a valid header name/,
    );
    only(
      errorsOf('VirtualService', vs([{ match: [{ port: 0 }], route: [dest('a')] }])),
      /match\[0\]\.port: must be between 1 and 65535/,
    );
    only(
      errorsOf('VirtualService', vs([{ directResponse: { status: 99 } }])),
      /directResponse\.status: must be between 200 and 599/,
    );
    only(
      errorsOf('VirtualService', vs([{ match: [{ method: { prefix: '' } }], route: [dest('a')] }])),
      /prefix must not be empty/,
    );
  });

  it('checks durations the Istio way (Go syntax, at least 1ms, whole ms)', () => {
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], timeout: '0s' }])),
      /timeout: duration "0s" must be at least 1ms/,
    );
    only(errorsOf('VirtualService', vs([{ route: [dest('a')], timeout: '1.5ms' }])), /whole milliseconds/);
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], timeout: 'soon' }])),
      /"soon" is not a duration/,
    );
  });

  it('checks retries, faults, mirrors and CORS', () => {
    only(
      errorsOf(
        'VirtualService',
        vs([{ route: [dest('a')], retries: { attempts: 2, retryOn: '5xx,sometimes' } }]),
      ),
      /"sometimes" is not a valid retryOn policy/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], retries: { attempts: 0, perTryTimeout: '1s' } }])),
      /attempts is 0/,
    );
    only(
      errorsOf(
        'VirtualService',
        vs([{ route: [dest('a')], fault: { abort: { httpStatus: 500, percentage: { value: 101 } } } }]),
      ),
      /percentage\.value: must be between 0 and 100/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], fault: {} }])),
      /needs an abort and\/or a delay/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], fault: { abort: { grpcStatus: 'NOPE' } } }])),
      /"NOPE" is not a gRPC status/,
    );
    only(
      errorsOf(
        'VirtualService',
        vs([{ route: [dest('a')], mirror: { host: 'm' }, mirrors: [{ destination: { host: 'm' } }] }]),
      ),
      /both mirror and mirrors/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a')], corsPolicy: { allowMethods: ['FETCH'] } }])),
      /"FETCH" is not a supported HTTP method/,
    );
    assert.match(
      warningsOf('VirtualService', vs([{ route: [dest('a')], fault: { abort: {} } }])).join('\n'),
      /abort has no httpStatus/,
    );
  });

  it('checks hosts and destinations', () => {
    only(
      errorsOf('VirtualService', { hosts: ['*'], http: [{ route: [dest('a')] }] }),
      /host "\*" is not allowed .* mesh/,
    );
    only(
      errorsOf('VirtualService', { hosts: ['*.foo.com', 'a.foo.com'], http: [{ route: [dest('a')] }] }),
      /duplicate hosts/,
    );
    only(
      errorsOf('VirtualService', { hosts: ['bad_host'], http: [{ route: [dest('a')] }] }),
      /hosts\[0\]: .*not a DNS-1123 label/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [dest('a', { subset: 'V_1' })] }])),
      /subset name "V_1" is not a DNS-1123 label/,
    );
    only(
      errorsOf('VirtualService', vs([{ route: [{ weight: 1 }] }])),
      /destination: missing required field "destination"/,
    );
    only(errorsOf('VirtualService', { hosts: ['a'] }), /needs http, tcp or tls routes/);
    only(
      errorsOf(
        'VirtualService',
        vs([{ match: [{ headers: { '@request.auth.claims.group': { exact: 'x' } } }], route: [dest('a')] }]),
      ),
      /JWT claim routing/,
    );
    only(errorsOf('VirtualService', vs([{ route: [dest('a')] }], { bogus: 1 })), /unknown field "bogus"/);
  });

  it('reports what it does not apply yet instead of ignoring it', () => {
    const tls = warningsOf('VirtualService', {
      hosts: ['a.com'],
      tls: [{ match: [{ sniHosts: ['a.com'] }], route: [dest('a')] }],
    });
    assert.match(tls.join('\n'), /spec\.tls: TLS \(SNI\) routes are applied on gateways only/);
    only(
      errorsOf('VirtualService', {
        hosts: ['a.com'],
        tls: [{ match: [{ sniHosts: [] }], route: [dest('a')] }],
      }),
      /at least one SNI host/,
    );
    assert.match(
      warningsOf('VirtualService', { http: [{ route: [dest('a')] }] }).join('\n'),
      /delegate; delegation is not supported/,
    );
    assert.match(
      warningsOf('VirtualService', vs([{ route: [dest('a')] }, { route: [dest('b')] }])).join('\n'),
      /spec\.http\[1\]: rule #1 is never used/,
    );
  });

  it('binds to gateways without a warning, keeps TLS routes for them, and flags legacy gateway names', () => {
    const o = valid('VirtualService', {
      hosts: ['*'],
      gateways: ['istio-system/gw', 'local-gw'],
      http: [{ match: [{ gateways: ['mesh'] }], route: [dest('a')] }],
      tls: [{ match: [{ sniHosts: ['a.com'], port: 443, gateways: ['gw'] }], route: [dest('a')] }],
    });
    assert.deepEqual(o.spec.gateways, ['istio-system/gw', 'local-gw']);
    assert.deepEqual(o.spec.tls[0]!.match[0], {
      port: 443,
      destinationSubnets: [],
      sourceLabels: {},
      gateways: ['gw'],
      sniHosts: ['a.com'],
    });
    assert.deepEqual(o.spec.http[0]!.match[0]!.gateways, ['mesh']);
    assert.deepEqual(
      warningsOf('VirtualService', { hosts: ['*'], gateways: ['gw'], http: [{ route: [dest('a')] }] }),
      [],
    );
    assert.match(
      warningsOf('VirtualService', {
        hosts: ['*'],
        gateways: ['gw.istio-system'],
        http: [{ route: [dest('a')] }],
      }).join('\n'),
      /spec\.gateways\[0\]: legacy gateway name "gw\.istio-system"; prefer "istio-system\/gw"/,
    );
    only(
      errorsOf('VirtualService', { hosts: ['*'], gateways: ['bad_ns/gw'], http: [{ route: [dest('a')] }] }),
      /spec\.gateways\[0\]: invalid namespace "bad_ns" in gateway "bad_ns\/gw"/,
    );
  });

  it('validates TCP routes', () => {
    const o = valid('VirtualService', {
      hosts: ['db'],
      tcp: [{ match: [{ port: 3306, destinationSubnets: ['10.0.0.0/8'] }], route: [dest('db')] }],
    });
    assert.deepEqual(o.spec.tcp[0]!.match[0], {
      port: 3306,
      destinationSubnets: ['10.0.0.0/8'],
      sourceLabels: {},
      gateways: [],
    });
    only(
      errorsOf('VirtualService', {
        hosts: ['db'],
        tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [dest('db')] }],
      }),
      /not a valid CIDR block/,
    );
  });
});
