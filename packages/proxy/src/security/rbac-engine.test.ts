import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RbacConfig, RbacPermission, RbacPrincipal } from '@tandem/api';
import { HeaderMap } from '../http/header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import { RbacEngine } from './rbac-engine.ts';

const exact = (value: string) => ({ kind: 'exact' as const, value, ignoreCase: false });
const conn = (peer: string, remote = '10.1.2.3', localPort = 8080): DownstreamConnectionInfo => ({
  remoteAddress: remote,
  remotePort: 5000,
  localAddress: '127.0.0.1',
  localPort,
  tls: peer !== '',
  serverName: '',
  peerPrincipal: peer,
});
const head = (method: string, path: string): RequestHead => ({
  method,
  path,
  authority: 'web',
  scheme: 'http',
  headers: new HeaderMap(['x-team', 'blue']),
  protocol: 'HTTP/1.1',
});
const engine = (action: 'ALLOW' | 'DENY', permissions: RbacPermission[], principals: RbacPrincipal[]) =>
  new RbacEngine(
    {
      kind: 'rbac',
      statPrefix: '',
      rules: { action, policies: [{ name: 'p', permissions, principals }] },
    } as RbacConfig,
    'test',
  );
const CLIENT = 'spiffe://cluster.local/ns/default/sa/client';
const OTHER = 'spiffe://cluster.local/ns/other/sa/other';

describe('RbacEngine', () => {
  it('ALLOW: a policy must match (principal by SPIFFE ID, path prefix, method)', () => {
    const e = engine(
      'ALLOW',
      [
        {
          kind: 'and',
          rules: [
            { kind: 'urlPath', path: { kind: 'prefix', value: '/api/', ignoreCase: false } },
            {
              kind: 'header',
              header: {
                name: ':method',
                spec: { kind: 'string', matcher: exact('GET') },
                invertMatch: false,
                treatMissingHeaderAsEmpty: false,
              },
            },
          ],
        },
      ],
      [{ kind: 'authenticated', principalName: exact(CLIENT) }],
    );
    assert.equal(e.allows(head('GET', '/api/x?q=1'), conn(CLIENT), undefined), true);
    assert.equal(e.allows(head('POST', '/api/x'), conn(CLIENT), undefined), false);
    assert.equal(e.allows(head('GET', '/api/x'), conn(OTHER), undefined), false);
    assert.equal(e.allows(head('GET', '/api/x'), conn(''), undefined), false, 'plaintext has no principal');
  });

  it('DENY: matching requests are refused, others pass; not_id and CIDR ranges', () => {
    const e = engine(
      'DENY',
      [{ kind: 'any' }],
      [
        {
          kind: 'and',
          ids: [
            {
              kind: 'not',
              id: {
                kind: 'authenticated',
                principalName: { kind: 'safeRegex', regex: '.*/ns/default/.*', ignoreCase: false },
              },
            },
            { kind: 'directRemoteIp', range: { addressPrefix: '10.0.0.0', prefixLen: 8 } },
          ],
        },
      ],
    );
    assert.equal(e.allows(head('GET', '/'), conn(OTHER, '10.9.9.9'), undefined), false);
    assert.equal(e.allows(head('GET', '/'), conn(CLIENT, '10.9.9.9'), undefined), true);
    assert.equal(e.allows(head('GET', '/'), conn(OTHER, '192.168.1.1'), undefined), true);
    assert.equal(e.allows(head('GET', '/'), conn(OTHER, '::ffff:10.0.0.1'), undefined), false);
  });

  it('matches JWT claims in the dynamic metadata, string or list', () => {
    const e = engine(
      'ALLOW',
      [{ kind: 'any' }],
      [
        {
          kind: 'metadata',
          matcher: {
            filter: 'istio_authn',
            path: ['request.auth.claims', 'groups'],
            value: { kind: 'list', oneOf: { kind: 'string', matcher: exact('admins') } },
            invert: false,
          },
        },
      ],
    );
    const md = (groups: unknown) => ({ istio_authn: { 'request.auth.claims': { groups } } });
    assert.equal(e.allows(head('GET', '/'), conn(''), md(['users', 'admins'])), true);
    assert.equal(e.allows(head('GET', '/'), conn(''), md(['users'])), false);
    assert.equal(e.allows(head('GET', '/'), conn(''), undefined), false);
  });

  it('for a TCP connection (no request), HTTP rules never match; destination port does', () => {
    const http = engine('ALLOW', [{ kind: 'urlPath', path: exact('/') }], [{ kind: 'any' }]);
    assert.equal(http.allows(undefined, conn(CLIENT), undefined), false);
    const port = engine('ALLOW', [{ kind: 'destinationPort', port: 9000 }], [{ kind: 'any' }]);
    assert.equal(port.allows(undefined, conn(CLIENT, '10.1.1.1', 9000), undefined), true);
    assert.equal(port.allows(undefined, conn(CLIENT, '10.1.1.1', 9001), undefined), false);
  });
});
