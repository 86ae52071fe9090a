import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import type { SanMatcher, StringMatcher } from '@tandem/api';
import { dnsNameMatch, verifyPeerSan } from './san-matcher.ts';
import { compileStringMatcher } from './string-matcher.ts';
import { parseSubjectAltNames } from './subject-alt-names.ts';
import { createTestPki, SERVER_SPIFFE_ID, type TestPki } from './testing/test-pki.ts';

const m = (sanType: SanMatcher['sanType'], matcher: StringMatcher): SanMatcher => ({ sanType, matcher });
const exact = (value: string, ignoreCase = false): StringMatcher => ({ kind: 'exact', value, ignoreCase });

describe('parseSubjectAltNames', () => {
  it("parses Node's format, unescapes quoted values and normalizes IPs", () => {
    const text =
      'DNS:foo.example.com, DNS:*.wild.example.com, URI:spiffe://cluster.local/ns/default/sa/foo, ' +
      'IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:5, email:a@b.com, ' +
      'DNS:"weird\\u002cname", othername:<unsupported>';
    assert.deepEqual(parseSubjectAltNames(text), [
      { type: 'DNS', value: 'foo.example.com' },
      { type: 'DNS', value: '*.wild.example.com' },
      { type: 'URI', value: 'spiffe://cluster.local/ns/default/sa/foo' },
      { type: 'IP_ADDRESS', value: '10.1.2.3' },
      { type: 'IP_ADDRESS', value: '::1' },
      { type: 'IP_ADDRESS', value: '2001:db8::5' },
      { type: 'EMAIL', value: 'a@b.com' },
      { type: 'DNS', value: 'weird,name' },
      { type: 'OTHER', value: '<unsupported>' },
    ]);
  });

  it('handles empty and odd input without throwing', () => {
    assert.deepEqual(parseSubjectAltNames(undefined), []);
    assert.deepEqual(parseSubjectAltNames(''), []);
    assert.doesNotThrow(() => parseSubjectAltNames('DNS:"unterminated'));
    assert.doesNotThrow(() => parseSubjectAltNames('no colon here'));
  });
});

describe('dnsNameMatch', () => {
  const cases: [string, string, boolean][] = [
    ['api.example.com', 'api.example.com', true],
    ['API.Example.com', 'api.EXAMPLE.com', true],
    ['api.example.com', '*.example.com', true],
    ['a.b.example.com', '*.example.com', false],
    ['example.com', '*.example.com', false],
    ['api.example.com', 'api*.example.com', true],
    ['apiv2.example.com', 'api*.example.com', true],
    ['web.example.com', 'api*.example.com', false],
    ['api.example.com', '*pi.example.com', true],
    ['api.example.com', '*.*.com', false],
    ['xn--bcher-kva.example.com', 'xn--*.example.com', false],
    ['localhost', '*', false],
  ];
  for (const [name, pattern, expected] of cases) {
    it(`${name} vs ${pattern} -> ${expected}`, () => assert.equal(dnsNameMatch(name, pattern), expected));
  }
});

describe('compileStringMatcher', () => {
  const cases: [StringMatcher, string, boolean][] = [
    [exact('abc'), 'abc', true],
    [exact('abc'), 'ABC', false],
    [exact('abc', true), 'ABC', true],
    [{ kind: 'prefix', value: 'spiffe://td/', ignoreCase: false }, 'spiffe://td/ns/a', true],
    [{ kind: 'prefix', value: 'SPIFFE://', ignoreCase: true }, 'spiffe://td', true],
    [{ kind: 'suffix', value: '/sa/foo', ignoreCase: false }, 'spiffe://td/ns/a/sa/foo', true],
    [{ kind: 'contains', value: '/NS/', ignoreCase: true }, 'spiffe://td/ns/a', true],
    [{ kind: 'contains', value: '/NS/', ignoreCase: false }, 'spiffe://td/ns/a', false],
    [
      { kind: 'safeRegex', regex: 'spiffe://td/ns/[a-z]+/sa/.*', ignoreCase: false },
      'spiffe://td/ns/x/sa/y',
      true,
    ],
    [{ kind: 'safeRegex', regex: 'ns/x', ignoreCase: false }, 'spiffe://td/ns/x', false],
    [{ kind: 'safeRegex', regex: 'abc', ignoreCase: true }, 'ABC', false],
  ];
  for (const [matcher, value, expected] of cases) {
    it(`${matcher.kind} ${'value' in matcher ? matcher.value : matcher.regex} ~ ${value}`, () =>
      assert.equal(compileStringMatcher(matcher)(value), expected));
  }
});

describe('verifyPeerSan', () => {
  let pki: TestPki;
  let server: X509Certificate;
  before(() => {
    pki = createTestPki();
    server = new X509Certificate(pki.pem('server.pem'));
  });
  after(() => pki.remove());

  it('matches typed SANs of a real certificate', () => {
    assert.equal(verifyPeerSan(server, [m('URI', exact(SERVER_SPIFFE_ID))]), true);
    assert.equal(verifyPeerSan(server, [m('URI', exact('spiffe://cluster.local/ns/default/sa/bar'))]), false);
    assert.equal(verifyPeerSan(server, [m('DNS', exact('server.example.com'))]), true);
    assert.equal(
      verifyPeerSan(server, [m('DNS', exact('reviews.svc.example.com'))]),
      true,
      'wildcard SAN in the cert',
    );
    assert.equal(
      verifyPeerSan(server, [m('DNS', { kind: 'suffix', value: '.svc.example.com', ignoreCase: false })]),
      true,
    );
    assert.equal(verifyPeerSan(server, [m('IP_ADDRESS', exact('127.0.0.1'))]), true);
    assert.equal(verifyPeerSan(server, [m('EMAIL', exact('server.example.com'))]), false, 'types must match');
  });

  it('treats an untyped matcher as DNS, URI, EMAIL and IP', () => {
    assert.equal(verifyPeerSan(server, [m('ANY', exact(SERVER_SPIFFE_ID))]), true);
    assert.equal(verifyPeerSan(server, [m('ANY', exact('127.0.0.1'))]), true);
    assert.equal(verifyPeerSan(server, [m('ANY', exact('x.svc.example.com'))]), true);
  });

  it('accepts any certificate with no matchers and none with no SANs', () => {
    assert.equal(verifyPeerSan(server, []), true);
    const noSans = new X509Certificate(pki.pem('ca.pem'));
    assert.equal(verifyPeerSan(noSans, [m('ANY', { kind: 'prefix', value: '', ignoreCase: false })]), false);
  });

  it('reads a tls.PeerCertificate too', () => {
    const peer = {
      subjectaltname: 'URI:spiffe://td/ns/a/sa/b, IP Address:0:0:0:0:0:0:0:1',
    } as PeerCertificate;
    assert.equal(
      verifyPeerSan(peer, [m('URI', { kind: 'exact', value: 'SPIFFE://TD/ns/a/sa/b', ignoreCase: true })]),
      true,
    );
    assert.equal(verifyPeerSan(peer, [m('IP_ADDRESS', exact('::1'))]), true);
  });
});
