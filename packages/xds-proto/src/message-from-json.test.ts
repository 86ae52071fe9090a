import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, decodeResource } from './decode-resource.ts';
import { encodeResource, toAny } from './encode-resource.ts';
import { ExtensionTypeUrls, TypeUrls } from './type-urls.ts';
import { XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';
import { getXdsRoot } from './xds-root.ts';

function roundTrip(name: string, json: unknown): unknown {
  return decodeMessage(name, encodeResource(name, json));
}

function rejects(typeUrl: string, json: unknown, code: string, path: string, message?: RegExp): void {
  assert.throws(
    () => encodeResource(typeUrl, json),
    (error: unknown) => {
      assert.ok(error instanceof XdsProtoError);
      assert.equal(error.code, code);
      assert.equal(error.path, path);
      if (message !== undefined) assert.match(error.message, message);
      return true;
    },
  );
}

describe('proto3 JSON: well-known types', () => {
  it('reads durations in seconds and writes 0, 3, 6 or 9 fractional digits', () => {
    const cases: [string, string][] = [
      ['1.5s', '1.500s'],
      ['0.000001s', '0.000001s'],
      ['2.000000001s', '2.000000001s'],
      ['-0.5s', '-0.500s'],
      ['30s', '30s'],
    ];
    for (const [given, written] of cases) {
      const json = roundTrip('google.protobuf.Duration', given);
      assert.equal(json, written);
    }
    assert.deepEqual(roundTrip('google.protobuf.Duration', { seconds: '3', nanos: 5_000_000 }), '3.005s');
  });

  it('reads RFC 3339 timestamps with offsets and writes UTC', () => {
    assert.equal(
      roundTrip('google.protobuf.Timestamp', '1972-01-01T10:00:20.021Z'),
      '1972-01-01T10:00:20.021Z',
    );
    assert.equal(roundTrip('google.protobuf.Timestamp', '2024-05-01T12:00:00+02:00'), '2024-05-01T10:00:00Z');
    assert.equal(roundTrip('google.protobuf.Timestamp', '0001-01-01T00:00:00Z'), '0001-01-01T00:00:00Z');
  });

  it('writes wrappers as plain values and 64-bit integers as strings', () => {
    assert.equal(roundTrip('google.protobuf.UInt32Value', 7), 7);
    assert.equal(roundTrip('google.protobuf.UInt32Value', { value: 7 }), 7);
    assert.equal(roundTrip('google.protobuf.BoolValue', false), false);
    assert.equal(roundTrip('google.protobuf.DoubleValue', 'Infinity'), 'Infinity');
    assert.equal(roundTrip('google.protobuf.UInt64Value', '18446744073709551615'), '18446744073709551615');
    assert.equal(roundTrip('google.protobuf.Int64Value', -42), '-42');
    assert.equal(roundTrip('google.protobuf.BytesValue', 'aGk='), 'aGk=');
    assert.equal(roundTrip('google.protobuf.FloatValue', 0.1), 0.1);
  });

  it('treats Struct, Value and ListValue as plain JSON', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: [] }], e: {} };
    assert.deepEqual(roundTrip('google.protobuf.Struct', value), value);
    assert.deepEqual(roundTrip('google.protobuf.ListValue', [1, 'two']), [1, 'two']);
    assert.equal(roundTrip('google.protobuf.Value', null), null);
  });

  it('reads FieldMask and Empty', () => {
    assert.equal(roundTrip('google.protobuf.FieldMask', 'user.displayName,photo'), 'user.displayName,photo');
    assert.deepEqual(roundTrip('google.protobuf.Empty', {}), {});
  });

  it('expands a well-known type inside an Any with "value"', () => {
    const json = {
      name: 'l',
      filter_chains: [
        {
          filters: [
            {
              name: 'x',
              typed_config: { '@type': 'type.googleapis.com/google.protobuf.Struct', value: { k: 'v' } },
            },
          ],
        },
      ],
    };
    assert.deepEqual(decodeResource(toAny(TypeUrls.listener, json)), json);
  });

  it('accepts enums by number and bytes in URL-safe base64; writes enum names', () => {
    const cluster = roundTrip(TypeUrls.cluster, { name: 'c', lb_policy: 1 });
    assert.deepEqual(cluster, { name: 'c', lb_policy: 'LEAST_REQUEST' });
    const secret = roundTrip(TypeUrls.secret, {
      name: 's',
      tls_certificate: { private_key: { inline_bytes: '-_8=' } },
    });
    assert.deepEqual(secret, { name: 's', tls_certificate: { private_key: { inline_bytes: '+/8=' } } });
  });

  it('reads integers given as strings and drops null fields', () => {
    const cla = roundTrip(TypeUrls.clusterLoadAssignment, {
      cluster_name: 'a',
      policy: null,
      endpoints: [{ priority: '2', load_balancing_weight: '5' }],
    });
    assert.deepEqual(cla, { cluster_name: 'a', endpoints: [{ priority: 2, load_balancing_weight: 5 }] });
  });
});

describe('proto3 JSON: errors name the field path', () => {
  it('reports an unknown field inside nested Anys with a suggestion', () => {
    const listener = {
      name: 'l',
      filter_chains: [
        {
          filters: [
            {
              name: 'hcm',
              typed_config: {
                '@type':
                  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                http_filters: [
                  {
                    name: 'r',
                    typed_config: {
                      '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
                      suppress_envoy_header: true,
                    },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    rejects(
      TypeUrls.listener,
      listener,
      XdsProtoErrorCode.unknownField,
      'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.suppress_envoy_header',
      /did you mean "suppress_envoy_headers"/,
    );
  });

  it('reports values of the wrong shape', () => {
    rejects(
      TypeUrls.cluster,
      { name: 'c', connect_timeout: '5ms' },
      XdsProtoErrorCode.invalidValue,
      'connect_timeout',
    );
    rejects(
      TypeUrls.cluster,
      { name: 'c', lb_policy: 'FASTEST' },
      XdsProtoErrorCode.invalidValue,
      'lb_policy',
      /ROUND_ROBIN/,
    );
    rejects(
      TypeUrls.clusterLoadAssignment,
      { cluster_name: 'a', endpoints: [{ load_balancing_weight: -1 }] },
      XdsProtoErrorCode.invalidValue,
      'endpoints[0].load_balancing_weight',
    );
    rejects(TypeUrls.cluster, { name: 7 }, XdsProtoErrorCode.invalidValue, 'name');
    rejects(TypeUrls.listener, { filter_chains: {} }, XdsProtoErrorCode.invalidValue, 'filter_chains');
    rejects(
      TypeUrls.listener,
      { metadata: { filter_metadata: { istio: 'x' } } },
      XdsProtoErrorCode.invalidValue,
      'metadata.filter_metadata["istio"]',
    );
  });

  it('reports two members of a oneof and both spellings of a field', () => {
    rejects(
      TypeUrls.cluster,
      { name: 'c', type: 'EDS', cluster_type: {} },
      XdsProtoErrorCode.conflict,
      'cluster_type',
    );
    rejects(
      TypeUrls.cluster,
      { name: 'c', connect_timeout: '1s', connectTimeout: '1s' },
      XdsProtoErrorCode.conflict,
      'connect_timeout',
    );
  });

  it('reports an unknown or missing @type', () => {
    const filter = (typedConfig: unknown) => ({
      name: 'l',
      filter_chains: [{ filters: [{ name: 'f', typed_config: typedConfig }] }],
    });
    rejects(
      TypeUrls.listener,
      filter({ '@type': 'type.googleapis.com/example.Nope' }),
      XdsProtoErrorCode.unknownType,
      'filter_chains[0].filters[0].typed_config.@type',
    );
    rejects(
      TypeUrls.listener,
      filter({ stat_prefix: 'x' }),
      XdsProtoErrorCode.invalidValue,
      'filter_chains[0].filters[0].typed_config.@type',
    );
    rejects(TypeUrls.listener, { '@type': TypeUrls.cluster }, XdsProtoErrorCode.conflict, '@type');
    assert.throws(() => encodeResource('type.googleapis.com/example.Nope', {}), {
      code: XdsProtoErrorCode.unknownType,
    });
  });

  it('reports bytes inside an Any that do not decode, with the path of the Any', () => {
    const listener = {
      name: 'l',
      filter_chains: [
        {
          filters: [
            {
              name: 'r',
              typed_config: { type_url: ExtensionTypeUrls.router, value: Buffer.from([0x0a, 0x05, 0x08]) },
            },
          ],
        },
      ],
    };
    const Listener = getXdsRoot().lookupType('envoy.config.listener.v3.Listener');
    const value = Buffer.from(Listener.encode(listener).finish());
    assert.throws(() => decodeResource({ type_url: TypeUrls.listener, value }), {
      code: XdsProtoErrorCode.decode,
      path: 'filter_chains[0].filters[0].typed_config',
    });
  });

  it('reports bytes that do not decode', () => {
    assert.throws(
      () => decodeResource({ type_url: TypeUrls.cluster, value: Buffer.from([0x12, 0x05, 0x61]) }),
      {
        code: XdsProtoErrorCode.decode,
      },
    );
  });
});
