import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { hcm, issues, listener, routerFilter } from '../testing/raw-config.ts';
import type { HttpConnectionManager } from '../types.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';
import { registerHttpFilterSchema } from './http-filter-registry.ts';

const FAULT_TYPE_URL = 'type.googleapis.com/test.filters.http.fault.v3.Fault';
registerHttpFilterSchema(
  FAULT_TYPE_URL,
  message({
    name: 'test.filters.http.fault.v3.Fault',
    fields: { percent: withDefault(uint32({ max: 100 }), 0) },
    build: (v) => ({ percent: v.percent }),
  }),
);
const fault = (percent: number) => ({ name: 'fault', typed_config: { '@type': FAULT_TYPE_URL, percent } });

const AT = 'filter_chains[0].filters[0].typed_config';

function validate(extra: Record<string, unknown>) {
  return validateResource(RESOURCE_TYPE_URLS.listener, listener('l', 80, hcm(undefined, extra)));
}

function hcmOf(extra: Record<string, unknown>): HttpConnectionManager {
  const result = validate(extra);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const filter = result.resource.filterChains[0]?.filters[0];
  assert.equal(filter?.kind, 'http_connection_manager');
  return filter.config as HttpConnectionManager;
}

function errors(extra: Record<string, unknown>) {
  const result = validate(extra);
  assert.ok(!result.ok, 'expected the HCM to be rejected');
  return result.errors;
}

describe('HttpConnectionManager', () => {
  it('reads protocol options and timeouts', () => {
    const config = hcmOf({
      codec_type: 'HTTP2',
      max_request_headers_kb: 96,
      common_http_protocol_options: {
        idle_timeout: '0s',
        max_headers_count: 200,
        headers_with_underscores_action: 'REJECT_REQUEST',
      },
      http_protocol_options: { accept_http_10: true, default_host_for_http_10: 'example.com' },
      http2_protocol_options: { max_concurrent_streams: 100, initial_stream_window_size: 65535 },
      stream_idle_timeout: '10s',
      request_timeout: '30s',
      upgrade_configs: [{ upgrade_type: 'WebSocket' }, { upgrade_type: 'CONNECT', enabled: false }],
      use_remote_address: true,
      server_name: 'tandem',
    });
    assert.equal(config.codecType, 'HTTP2');
    assert.equal(config.maxRequestHeadersKb, 96);
    assert.equal(config.idleTimeoutMs, 0);
    assert.equal(config.maxHeadersCount, 200);
    assert.equal(config.headersWithUnderscoresAction, 'REJECT_REQUEST');
    assert.deepEqual(config.http1, { acceptHttp10: true, defaultHostForHttp10: 'example.com' });
    assert.deepEqual(config.http2, {
      maxConcurrentStreams: 100,
      initialStreamWindowSize: 65535,
      initialConnectionWindowSize: 268435456,
    });
    assert.equal(config.streamIdleTimeoutMs, 10000);
    assert.equal(config.requestTimeoutMs, 30000);
    assert.deepEqual(config.upgradeConfigs, [
      { upgradeType: 'websocket', enabled: true },
      { upgradeType: 'connect', enabled: false },
    ]);
    assert.equal(config.useRemoteAddress, true);
    assert.equal(config.serverName, 'tandem');
  });

  it("enforces Envoy's limits and rejects HTTP/3", () => {
    assert.deepEqual(issues(errors({ max_request_headers_kb: 8193, codec_type: 'HTTP3' })), [
      [
        `${AT}.codec_type`,
        'listener "l": CodecType HTTP3 is not supported by Tandem; supported: "AUTO", "HTTP1" or "HTTP2"',
      ],
      [`${AT}.max_request_headers_kb`, 'listener "l": must be between 1 and 8192, got 8193'],
    ]);
  });

  it('requires exactly one of route_config and rds', () => {
    const both = errors({ rds: { route_config_name: 'r', config_source: { ads: {} } } });
    assert.deepEqual(issues(both), [
      [AT, 'listener "l": only one of "rds" and "route_config" may be set (oneof route_specifier)'],
    ]);
    const none = errors({ route_config: undefined });
    assert.deepEqual(issues(none), [[AT, 'listener "l": one of "rds" or "route_config" is required']]);
  });

  it('accepts rds over ADS only', () => {
    const rds = hcmOf({
      route_config: undefined,
      rds: { route_config_name: 'r', config_source: { ads: {} } },
    });
    assert.deepEqual(rds.routeSpecifier, { kind: 'rds', routeConfigName: 'r', initialFetchTimeoutMs: 15000 });
    const file = errors({
      route_config: undefined,
      rds: { route_config_name: 'r', config_source: { path: '/etc/r.yaml' } },
    });
    assert.deepEqual(issues(file), [
      [
        `${AT}.rds.config_source.path`,
        'listener "l": "path" is not supported by Tandem: Tandem fetches dynamic resources over ADS only (`ads: {}` or `self: {}`)',
      ],
    ]);
  });

  it('needs the router as the last HTTP filter', () => {
    const config = hcmOf({ http_filters: [fault(10), routerFilter] });
    assert.deepEqual(
      config.httpFilters.map((f) => [f.name, f.config]),
      [
        ['fault', { percent: 10 }],
        ['envoy.filters.http.router', { kind: 'router' }],
      ],
    );
    assert.deepEqual(errors({ http_filters: [routerFilter, fault(10)] }), [
      {
        path: `${AT}.http_filters[0]`,
        message:
          'listener "l": HTTP filter "envoy.filters.http.router" is terminal and must be the last HTTP filter',
        code: ConfigIssueCode.filterOrder,
      },
      {
        path: `${AT}.http_filters[1]`,
        message:
          'listener "l": the last HTTP filter must be the router (envoy.filters.http.router); "fault" is not a terminal filter',
        code: ConfigIssueCode.filterOrder,
      },
    ]);
    assert.deepEqual(issues(errors({ http_filters: [] })), [
      [
        `${AT}.http_filters`,
        'listener "l": the HTTP filter chain is empty; it must end with the router (envoy.filters.http.router)',
      ],
    ]);
  });

  it('validates filter configs through the registry and leaves out optional unknown filters', () => {
    assert.deepEqual(issues(errors({ http_filters: [fault(101), routerFilter] })), [
      [
        `${AT}.http_filters[0].typed_config.percent`,
        'listener "l", HTTP filter "fault": must be between 0 and 100, got 101',
      ],
    ]);
    const unknown = {
      name: 'wasm',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm' },
    };
    assert.equal(errors({ http_filters: [unknown, routerFilter] })[0]?.code, ConfigIssueCode.typeUrl);
    const result = validate({ http_filters: [{ ...unknown, is_optional: true }, routerFilter] });
    assert.ok(result.ok);
    assert.deepEqual(issues(result.warnings), [
      [
        `${AT}.http_filters[0]`,
        'listener "l": optional HTTP filter of unknown type "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm" left out',
      ],
    ]);
  });

  it('reads access_log (file, stdout; text and JSON formats) and tracing', () => {
    const config = hcmOf({
      access_log: [
        { name: 'envoy.access_loggers.stdout' },
        {
          name: 'envoy.access_loggers.file',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
            path: '/tmp/a.log',
            log_format: { json_format: { code: '%RESPONSE_CODE%', m: '%REQ(:METHOD)% x' } },
          },
        },
      ],
      tracing: {
        random_sampling: { value: 25 },
        provider: {
          name: 'envoy.tracers.zipkin',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.config.trace.v3.ZipkinConfig',
            collector_cluster: 'zipkin',
            collector_endpoint: '/api/v2/spans',
          },
        },
      },
    });
    assert.equal(config.accessLog[0]?.path, '/dev/stdout');
    assert.equal(config.accessLog[0]?.format.kind, 'text');
    assert.equal(config.accessLog[1]?.format.kind, 'json');
    assert.equal(config.tracing?.randomSamplingPercent, 25);
    assert.equal(config.tracing?.provider?.kind, 'zipkin');
    assert.deepEqual(
      issues(
        errors({
          access_log: [
            {
              name: 'f',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
                path: '/tmp/a.log',
                log_format: { text_format_source: { inline_string: '%RESPONSE_CODE% %NOPE%' } },
              },
            },
          ],
        }),
      ).map(([path]) => path),
      [`${AT}.access_log[0].typed_config.log_format.text_format_source`],
    );
  });

  it('rejects what it cannot honour', () => {
    assert.deepEqual(issues(errors({ via: 'tandem' })), [
      [`${AT}.via`, 'listener "l": "via" is not supported by Tandem'],
    ]);
  });
});
