import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { hcm, issues, listener, TCP_PROXY_TYPE_URL } from '../testing/raw-config.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';

const tcpProxy = { '@type': TCP_PROXY_TYPE_URL, stat_prefix: 'tcp', cluster: 'db' };

function chain(match: Record<string, unknown>, typedConfig: Record<string, unknown> = tcpProxy) {
  return {
    filter_chain_match: match,
    filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: typedConfig }],
  };
}

function validate(extra: Record<string, unknown>) {
  return validateResource(RESOURCE_TYPE_URLS.listener, listener('l', 15006, hcm(), extra));
}

function errors(extra: Record<string, unknown>) {
  const result = validate(extra);
  assert.ok(!result.ok, 'expected the listener to be rejected');
  return result.errors;
}

describe('Listener', () => {
  it('fills listener defaults and accepts listener filters by type URL or well-known name', () => {
    const result = validate({
      listener_filters: [
        {
          name: 'tls',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
          },
        },
        { name: 'envoy.filters.listener.original_dst' },
      ],
      traffic_direction: 'INBOUND',
      listener_filters_timeout: '1s',
      bind_to_port: { value: false },
    });
    assert.ok(result.ok);
    assert.deepEqual(result.resource.listenerFilters, [
      {
        name: 'tls',
        typeUrl: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
      },
      {
        name: 'envoy.filters.listener.original_dst',
        typeUrl: 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
      },
    ]);
    assert.equal(result.resource.trafficDirection, 'INBOUND');
    assert.equal(result.resource.listenerFiltersTimeoutMs, 1000);
    assert.equal(result.resource.bindToPort, false);
  });

  it('rejects an unknown listener filter', () => {
    assert.deepEqual(
      issues(errors({ listener_filters: [{ name: 'envoy.filters.listener.proxy_protocol' }] })),
      [
        [
          'listener_filters[0].typed_config',
          'listener "l", listener filter "envoy.filters.listener.proxy_protocol": missing "typed_config": no built-in listener filter is named "envoy.filters.listener.proxy_protocol"',
        ],
      ],
    );
  });

  it('rejects two filter chains with the same matching rules, even when their lists only overlap', () => {
    const result = errors({
      filter_chains: [
        chain({ server_names: ['a.example.com', 'b.example.com'], transport_protocol: 'tls' }),
        chain({ server_names: ['b.example.com'], transport_protocol: 'tls' }),
        chain({ server_names: ['b.example.com'], transport_protocol: 'raw_buffer' }),
      ],
    });
    assert.deepEqual(result, [
      {
        path: 'filter_chains[1].filter_chain_match',
        message:
          'listener "l": filter chains 0 and 1 have the same matching rules (server_name b.example.com, transport_protocol tls); Envoy refuses that',
        code: ConfigIssueCode.duplicate,
      },
    ]);
    assert.deepEqual(issues(errors({ filter_chains: [chain({}), chain({})] })), [
      [
        'filter_chains[1].filter_chain_match',
        'listener "l": filter chains 0 and 1 have the same matching rules (an empty match (any connection)); Envoy refuses that',
      ],
    ]);
  });

  it('checks filter chain match criteria', () => {
    const result = errors({
      filter_chains: [
        chain({
          destination_port: 0,
          prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 33 }],
          server_names: ['w*.example.com'],
          source_type: 'EXTERNAL',
        }),
      ],
    });
    assert.deepEqual(issues(result), [
      [
        'filter_chains[0].filter_chain_match.destination_port',
        'listener "l": must be between 1 and 65535, got 0',
      ],
      [
        'filter_chains[0].filter_chain_match.prefix_ranges[0].prefix_len',
        'listener "l": must be at most 32 for an IPv4 prefix, got 33',
      ],
      [
        'filter_chains[0].filter_chain_match.source_type',
        'listener "l": ConnectionSourceType EXTERNAL is not supported by Tandem; supported: "ANY"',
      ],
      [
        'filter_chains[0].filter_chain_match.server_names[0]',
        'listener "l": "w*.example.com": partial wildcards are not supported in server_names; use "*.example.com"',
      ],
    ]);
  });

  it('needs a terminal filter, last, in every filter chain', () => {
    const twoTerminals = {
      filter_chains: [
        {
          name: 'fc',
          filters: [
            { name: 'envoy.filters.network.tcp_proxy', typed_config: tcpProxy },
            { name: 'envoy.filters.network.http_connection_manager', typed_config: hcm() },
          ],
        },
      ],
    };
    assert.deepEqual(issues(errors(twoTerminals)), [
      [
        'filter_chains[0].filters[0]',
        'listener "l", filter chain "fc": filter "envoy.filters.network.tcp_proxy" (tcp_proxy) is terminal and must be the last filter',
      ],
    ]);
    assert.deepEqual(issues(errors({ filter_chains: [{ filters: [] }] })), [
      [
        'filter_chains[0].filters',
        'listener "l": a filter chain needs a terminal filter (http_connection_manager or tcp_proxy)',
      ],
    ]);
    assert.deepEqual(issues(errors({ filter_chains: [] })), [
      ['filter_chains', 'listener "l": a listener needs filter_chains or a default_filter_chain'],
    ]);
  });

  it('dispatches network filters on the type URL and rejects unknown ones', () => {
    const result = errors({
      filter_chains: [
        {
          filters: [
            {
              name: 'x',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy',
              },
            },
          ],
        },
      ],
    });
    assert.equal(result[0]?.path, 'filter_chains[0].filters[0].typed_config');
    assert.equal(result[0]?.code, ConfigIssueCode.typeUrl);
    assert.match(
      result[0]?.message ?? '',
      /unknown network filter type URL "type.googleapis.com\/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy"; Tandem supports .*HttpConnectionManager, .*TcpProxy, .*network\.rbac\.v3\.RBAC$/,
    );
  });

  it('needs an IP address to bind, and rejects pipes and unsupported options', () => {
    const raw = listener('l', 80, hcm(), { freebind: true });
    (raw.address as { socket_address: { address: string } }).socket_address.address = 'localhost';
    const result = validateResource(RESOURCE_TYPE_URLS.listener, raw);
    assert.ok(!result.ok);
    assert.deepEqual(issues(result.errors), [
      ['freebind', 'listener "l": "freebind" is not supported by Tandem'],
    ]);
    const built = validateResource(
      RESOURCE_TYPE_URLS.listener,
      listener('l', 80, hcm(), { address: { socket_address: { address: 'localhost' } } }),
    );
    assert.ok(!built.ok);
    assert.deepEqual(issues(built.errors), [
      [
        'address.socket_address.address',
        'listener "l": "localhost" is not an IP address; a listener binds to an IP address',
      ],
    ]);
    const pipe = validateResource(
      RESOURCE_TYPE_URLS.listener,
      listener('l', 80, hcm(), { address: { pipe: { path: '/tmp/s' } } }),
    );
    assert.ok(!pipe.ok);
    assert.deepEqual(issues(pipe.errors), [
      [
        'address.pipe',
        'listener "l": "pipe" is not supported by Tandem: Unix domain sockets are not available',
      ],
    ]);
  });
});
