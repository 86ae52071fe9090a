import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildIptablesRules, DEFAULT_INTERCEPTION, parseCidrs, parsePorts } from './iptables-rules.ts';

describe('iptables rules', () => {
  it('redirects outbound TCP to 15001 and inbound to 15006, exempting the proxy UID', () => {
    const rules = buildIptablesRules(DEFAULT_INTERCEPTION);
    assert.match(rules, /^\*nat\n/);
    assert.match(rules, /-A TANDEM_REDIRECT -p tcp -j REDIRECT --to-ports 15001/);
    assert.match(rules, /-A TANDEM_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006/);
    assert.match(rules, /-A TANDEM_OUTPUT -m owner --uid-owner 1337 -j RETURN/);
    assert.match(rules, /-A TANDEM_INBOUND -p tcp --dport 15090 -j RETURN/);
    assert.match(rules, /COMMIT\n$/);
    // The exemption comes before the final redirect.
    assert.ok(
      rules.indexOf('--uid-owner 1337 -j RETURN') < rules.indexOf('TANDEM_OUTPUT -p tcp -j TANDEM_REDIRECT'),
    );
  });

  it('honours excluded ports and CIDRs and explicit inbound ports', () => {
    const rules = buildIptablesRules({
      ...DEFAULT_INTERCEPTION,
      inboundPorts: [9080],
      excludeInboundPorts: [22],
      excludeOutboundPorts: [5432],
      excludeOutboundCidrs: ['10.96.0.0/12'],
    });
    assert.match(rules, /-A TANDEM_INBOUND -p tcp --dport 22 -j RETURN/);
    assert.match(rules, /-A TANDEM_INBOUND -p tcp --dport 9080 -j TANDEM_IN_REDIRECT/);
    assert.doesNotMatch(rules, /-A TANDEM_INBOUND -p tcp -j TANDEM_IN_REDIRECT/);
    assert.match(rules, /-A TANDEM_OUTPUT -p tcp --dport 5432 -j RETURN/);
    assert.match(rules, /-A TANDEM_OUTPUT -d 10\.96\.0\.0\/12 -j RETURN/);
  });

  it('rejects malformed flags with the flag named', () => {
    assert.deepEqual(parsePorts('--x', '80, 443', false), [80, 443]);
    assert.equal(parsePorts('--x', '*', true), '*');
    assert.throws(
      () => parsePorts('--exclude-inbound-ports', '80,http', false),
      /--exclude-inbound-ports: "http" is not a port/,
    );
    assert.throws(() => parseCidrs('--exclude-outbound-cidrs', '10.0.0.0', false), /is not an IPv4 CIDR/);
  });
});
