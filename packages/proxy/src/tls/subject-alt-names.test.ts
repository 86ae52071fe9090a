import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstUriSan, parseSubjectAltNames } from './subject-alt-names.ts';

describe('subject alt names', () => {
  it("parses Node's subjectAltName text, escaped values and IPv6 included", () => {
    assert.deepEqual(
      parseSubjectAltNames('DNS:a.example, URI:spiffe://td/ns/x/sa/y, IP Address:0:0:0:0:0:0:0:1'),
      [
        { type: 'DNS', value: 'a.example' },
        { type: 'URI', value: 'spiffe://td/ns/x/sa/y' },
        { type: 'IP_ADDRESS', value: '::1' },
      ],
    );
    assert.deepEqual(parseSubjectAltNames('DNS:"a\\u002cb"'), [{ type: 'DNS', value: 'a,b' }]);
  });

  it('firstUriSan: the SPIFFE ID of a certificate, or empty without a URI SAN', () => {
    assert.equal(
      firstUriSan('DNS:web, URI:spiffe://cluster.local/ns/default/sa/web'),
      'spiffe://cluster.local/ns/default/sa/web',
    );
    assert.equal(firstUriSan('DNS:web'), '');
    assert.equal(firstUriSan(undefined), '');
  });
});
