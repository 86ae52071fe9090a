import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterChain, FilterChainMatch, Listener } from '@tandem/api';
import { type ConnectionProperties, compileFilterChainMatcher } from './filter-chain-matcher.ts';

function chain(name: string, match: Partial<FilterChainMatch> = {}): FilterChain {
  return {
    name,
    filterChainMatch: {
      destinationPort: undefined,
      prefixRanges: [],
      sourcePrefixRanges: [],
      sourcePorts: [],
      serverNames: [],
      transportProtocol: '',
      applicationProtocols: [],
      ...match,
    },
    filters: [],
    transportSocket: undefined,
  };
}

function listener(chains: FilterChain[], defaultChain?: FilterChain, filterNames: string[] = []): Listener {
  return {
    name: 'test-listener',
    address: { address: '0.0.0.0', portValue: 15006 },
    filterChains: chains,
    defaultFilterChain: defaultChain,
    listenerFilters: filterNames.map((name) => ({ name, typeUrl: undefined })),
    listenerFiltersTimeoutMs: 15000,
    continueOnListenerFiltersTimeout: false,
    perConnectionBufferLimitBytes: 1048576,
    trafficDirection: 'INBOUND',
    bindToPort: true,
    useOriginalDst: false,
  };
}

const cidr = (text: string) => {
  const [addressPrefix, len] = text.split('/');
  return { addressPrefix, prefixLen: Number(len) };
};

function conn(props: Partial<ConnectionProperties> = {}): ConnectionProperties {
  return {
    destinationPort: 8080,
    destinationIp: '10.0.0.1',
    sourceIp: '192.168.1.10',
    sourcePort: 40000,
    serverName: '',
    transportProtocol: 'raw_buffer',
    applicationProtocols: [],
    ...props,
  };
}

interface Case {
  name: string;
  chains: FilterChain[];
  defaultChain?: FilterChain;
  conn: Partial<ConnectionProperties>;
  expect: string | undefined;
}

const portChains = [chain('port-8080', { destinationPort: 8080 }), chain('any-port')];
const ipChains = [
  chain('ip-10/8', { prefixRanges: [cidr('10.0.0.0/8')] }),
  chain('ip-10.0.0/24', { prefixRanges: [cidr('10.0.0.0/24')] }),
  chain('ip-host', { prefixRanges: [cidr('10.0.0.7/32')] }),
  chain('ip-any'),
];
const sniChains = [
  chain('exact', { serverNames: ['www.example.com'] }),
  chain('wild-example', { serverNames: ['*.example.com'] }),
  chain('wild-deep', { serverNames: ['*.api.example.com'] }),
  chain('wild-com', { serverNames: ['*.com'] }),
  chain('sni-any'),
];
const transportChains = [
  chain('tls', { transportProtocol: 'tls' }),
  chain('raw', { transportProtocol: 'raw_buffer' }),
];
const alpnChains = [
  chain('h2', { applicationProtocols: ['h2'] }),
  chain('http1', { applicationProtocols: ['http/1.1', 'http/1.0'] }),
  chain('alpn-any'),
];
const sourceChains = [
  chain('src-192.168/16', { sourcePrefixRanges: [cidr('192.168.0.0/16')] }),
  chain('src-192.168.1/24-port', { sourcePrefixRanges: [cidr('192.168.1.0/24')], sourcePorts: [40000] }),
  chain('src-192.168.1/24', { sourcePrefixRanges: [cidr('192.168.1.0/24')] }),
  chain('src-any'),
];
const fallback = chain('default');

const cases: Case[] = [
  {
    name: 'exact destination port',
    chains: portChains,
    conn: { destinationPort: 8080 },
    expect: 'port-8080',
  },
  { name: 'port falls back to any', chains: portChains, conn: { destinationPort: 9090 }, expect: 'any-port' },
  {
    name: 'longest destination prefix /32',
    chains: ipChains,
    conn: { destinationIp: '10.0.0.7' },
    expect: 'ip-host',
  },
  {
    name: 'destination prefix /24',
    chains: ipChains,
    conn: { destinationIp: '10.0.0.9' },
    expect: 'ip-10.0.0/24',
  },
  { name: 'destination prefix /8', chains: ipChains, conn: { destinationIp: '10.9.9.9' }, expect: 'ip-10/8' },
  {
    name: 'destination outside ranges',
    chains: ipChains,
    conn: { destinationIp: '11.0.0.1' },
    expect: 'ip-any',
  },
  {
    name: 'IPv4-mapped IPv6 destination',
    chains: ipChains,
    conn: { destinationIp: '::ffff:10.0.0.7' },
    expect: 'ip-host',
  },
  {
    name: 'IPv6 destination uses catch-all',
    chains: ipChains,
    conn: { destinationIp: '2001:db8::1' },
    expect: 'ip-any',
  },
  { name: 'exact server name', chains: sniChains, conn: { serverName: 'www.example.com' }, expect: 'exact' },
  {
    name: 'server name is case-insensitive',
    chains: sniChains,
    conn: { serverName: 'WWW.Example.COM' },
    expect: 'exact',
  },
  {
    name: 'wildcard server name',
    chains: sniChains,
    conn: { serverName: 'foo.example.com' },
    expect: 'wild-example',
  },
  {
    name: 'longest wildcard wins',
    chains: sniChains,
    conn: { serverName: 'v1.api.example.com' },
    expect: 'wild-deep',
  },
  {
    name: 'wildcard needs a label',
    chains: sniChains,
    conn: { serverName: 'api.example.com' },
    expect: 'wild-example',
  },
  { name: 'shortest wildcard', chains: sniChains, conn: { serverName: 'other.com' }, expect: 'wild-com' },
  {
    name: 'bare domain is not *.domain',
    chains: sniChains,
    conn: { serverName: 'example.org' },
    expect: 'sni-any',
  },
  { name: 'no SNI uses chain without names', chains: sniChains, conn: { serverName: '' }, expect: 'sni-any' },
  { name: 'transport tls', chains: transportChains, conn: { transportProtocol: 'tls' }, expect: 'tls' },
  {
    name: 'transport raw_buffer',
    chains: transportChains,
    conn: { transportProtocol: 'raw_buffer' },
    expect: 'raw',
  },
  {
    name: 'empty transport is raw_buffer',
    chains: transportChains,
    conn: { transportProtocol: '' },
    expect: 'raw',
  },
  { name: 'ALPN h2', chains: alpnChains, conn: { applicationProtocols: ['h2', 'http/1.1'] }, expect: 'h2' },
  {
    name: 'ALPN: first connection protocol some chain names',
    chains: alpnChains,
    conn: { applicationProtocols: ['spdy/3', 'http/1.1', 'h2'] },
    expect: 'http1',
  },
  { name: 'ALPN any', chains: alpnChains, conn: { applicationProtocols: ['istio'] }, expect: 'alpn-any' },
  {
    name: 'source /24 with port',
    chains: sourceChains,
    conn: { sourcePort: 40000 },
    expect: 'src-192.168.1/24-port',
  },
  {
    name: 'source /24 other port',
    chains: sourceChains,
    conn: { sourcePort: 40001 },
    expect: 'src-192.168.1/24',
  },
  { name: 'source /16', chains: sourceChains, conn: { sourceIp: '192.168.2.1' }, expect: 'src-192.168/16' },
  { name: 'source any', chains: sourceChains, conn: { sourceIp: '172.16.0.1' }, expect: 'src-any' },
  {
    name: 'unparseable source uses catch-all',
    chains: sourceChains,
    conn: { sourceIp: '' },
    expect: 'src-any',
  },
  {
    name: 'no chain matches, no default',
    chains: [chain('tls-only', { transportProtocol: 'tls' })],
    conn: {},
    expect: undefined,
  },
  {
    name: 'no chain matches, default chain',
    chains: [chain('tls-only', { transportProtocol: 'tls' })],
    defaultChain: fallback,
    conn: {},
    expect: 'default',
  },
  {
    name: 'no backtracking: exact port branch fails, port-less chain is not tried',
    chains: [chain('port-tls', { destinationPort: 8080, transportProtocol: 'tls' }), chain('catch-all')],
    defaultChain: fallback,
    conn: { destinationPort: 8080, transportProtocol: 'raw_buffer' },
    expect: 'default',
  },
  {
    name: 'no backtracking: longer prefix wins even if its server names fail',
    chains: [
      chain('narrow', { prefixRanges: [cidr('10.0.0.0/24')], serverNames: ['a.example.com'] }),
      chain('wide', { prefixRanges: [cidr('10.0.0.0/8')] }),
    ],
    conn: { destinationIp: '10.0.0.1', serverName: 'b.example.com' },
    expect: undefined,
  },
  {
    name: 'no backtracking: exact SNI branch fails on ALPN',
    chains: [
      chain('sni-h2', { serverNames: ['a.example.com'], applicationProtocols: ['h2'] }),
      chain('wild', { serverNames: ['*.example.com'] }),
    ],
    defaultChain: fallback,
    conn: { serverName: 'a.example.com', applicationProtocols: ['http/1.1'] },
    expect: 'default',
  },
  {
    name: 'no backtracking: source IP fails on chosen transport branch',
    chains: [
      chain('tls-from-lan', { transportProtocol: 'tls', sourcePrefixRanges: [cidr('192.168.0.0/16')] }),
      chain('any-transport'),
    ],
    conn: { transportProtocol: 'tls', sourceIp: '8.8.8.8' },
    expect: undefined,
  },
  {
    name: 'IPv6 destination prefix',
    chains: [
      chain('v6', { prefixRanges: [cidr('2001:db8::/32')] }),
      chain('v6-host', { prefixRanges: [cidr('2001:db8::5/128')] }),
    ],
    conn: { destinationIp: '2001:db8:0:0::5' },
    expect: 'v6-host',
  },
  {
    name: 'IPv6 destination prefix (range)',
    chains: [
      chain('v6', { prefixRanges: [cidr('2001:db8::/32')] }),
      chain('v6-host', { prefixRanges: [cidr('2001:db8::5/128')] }),
    ],
    conn: { destinationIp: '2001:db8:ffff::1' },
    expect: 'v6',
  },
  {
    name: 'IPv6 source does not match IPv4 range',
    chains: [chain('v4', { sourcePrefixRanges: [cidr('0.0.0.0/0')] })],
    conn: { sourceIp: '2001:db8::1' },
    expect: undefined,
  },
  {
    name: 'host bits in a range are ignored',
    chains: [chain('masked', { prefixRanges: [cidr('10.1.2.3/16')] })],
    conn: { destinationIp: '10.1.200.200' },
    expect: 'masked',
  },
  {
    name: 'Istio-like inbound: mTLS vs plaintext on one port',
    chains: [
      chain('mtls', {
        destinationPort: 8080,
        transportProtocol: 'tls',
        applicationProtocols: ['istio-peer-exchange', 'istio'],
      }),
      chain('tls-app', { destinationPort: 8080, transportProtocol: 'tls' }),
      chain('plaintext-http', {
        destinationPort: 8080,
        transportProtocol: 'raw_buffer',
        applicationProtocols: ['http/1.1', 'h2c'],
      }),
      chain('plaintext-tcp', { destinationPort: 8080, transportProtocol: 'raw_buffer' }),
    ],
    conn: { transportProtocol: 'raw_buffer', applicationProtocols: ['h2c'] },
    expect: 'plaintext-http',
  },
];

describe('compileFilterChainMatcher', () => {
  for (const c of cases) {
    it(c.name, () => {
      const matcher = compileFilterChainMatcher(listener(c.chains, c.defaultChain));
      assert.equal(matcher.match(conn(c.conn))?.name, c.expect);
    });
  }

  it('matches the same object that was configured', () => {
    const only = chain('only');
    assert.equal(compileFilterChainMatcher(listener([only])).match(conn()), only);
  });

  it('reports which listener filters are configured', () => {
    const none = compileFilterChainMatcher(listener([chain('a')]));
    assert.deepEqual([none.needsTlsInspection, none.needsHttpInspection], [false, false]);
    const both = compileFilterChainMatcher(
      listener([chain('a')], undefined, [
        'envoy.filters.listener.tls_inspector',
        'envoy.filters.listener.http_inspector',
      ]),
    );
    assert.deepEqual([both.needsTlsInspection, both.needsHttpInspection], [true, true]);
  });

  it('rejects overlapping chains', () => {
    const l = listener([
      chain('a', { serverNames: ['x.com', 'y.com'] }),
      chain('b', { serverNames: ['y.com'] }),
    ]);
    assert.throws(() => compileFilterChainMatcher(l), {
      code: 'TANDEM_ERR_LISTENER_CONFIG',
      message: /listener "test-listener": filter chain "b": filter chains "a" and "b" have overlapping/,
    });
  });

  it('rejects partial wildcards and bad CIDRs', () => {
    assert.throws(
      () => compileFilterChainMatcher(listener([chain('w', { serverNames: ['w*.example.com'] })])),
      {
        code: 'TANDEM_ERR_LISTENER_CONFIG',
        message: /filter chain "w": server_names: partial wildcards/,
      },
    );
    assert.throws(
      () => compileFilterChainMatcher(listener([chain('c', { prefixRanges: [cidr('10.0.0.0/33')] })])),
      {
        message: /filter chain "c": prefix_ranges: invalid prefix_len 33/,
      },
    );
    assert.throws(
      () => compileFilterChainMatcher(listener([chain('s', { sourcePrefixRanges: [cidr('nope/8')] })])),
      {
        message: /source_prefix_ranges: invalid address_prefix "nope"/,
      },
    );
  });
});
