/**
 * Cross-checks against code nobody here wrote: @grpc/grpc-js-xds's own resource decoder, a protobufjs Root
 * loaded independently by @grpc/proto-loader from the same protos, and proto-loader's ADS serializers.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { ADS_SERVICE, streamAggregatedResourcesMethod } from './ads-method.ts';
import { loadAdsPackageDefinition } from './ads-service-definition.ts';
import { CA_PROTO, CA_SERVICE, caServiceDefinition } from './ca-service-definition.ts';
import { decodeMessage, decodeResource } from './decode-resource.ts';
import { encodeResource, toAny } from './encode-resource.ts';
import { protoIncludeDirs } from './proto-files.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener } from './testing/sample-resources.ts';
import { ExtensionTypeUrls, TypeUrls } from './type-urls.ts';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: objects decoded by grpc-js-xds, read field by field
type Obj = Record<string, any>;
const { decodeSingleResource } = require('@grpc/grpc-js-xds/build/src/resources') as {
  decodeSingleResource: (typeUrl: string, bytes: Uint8Array) => Obj;
};
const { loadProtosWithOptionsSync } = require('@grpc/proto-loader/build/src/util') as {
  loadProtosWithOptionsSync: (files: string[], options: object) => protobuf.Root;
};

describe('interop with @grpc/grpc-js-xds and proto-loader', () => {
  it('grpc-js-xds decodes the listener we encode, down to the HCM inside its Any', () => {
    const listener = decodeSingleResource(
      TypeUrls.listener,
      encodeResource(TypeUrls.listener, sampleListener()),
    );
    assert.equal(listener.name, 'inbound_8443');
    assert.equal(listener.address.socket_address.port_value, 8443);
    const typedConfig = listener.filter_chains[0].filters[0].typed_config;
    assert.equal(typedConfig.type_url, ExtensionTypeUrls.httpConnectionManager);
    const hcm = decodeSingleResource(typedConfig.type_url, typedConfig.value);
    assert.equal(hcm.codec_type, 'HTTP2');
    assert.equal(hcm.rds.route_config_name, 'inbound_8443_routes');
    assert.deepEqual(hcm.common_http_protocol_options.idle_timeout, { seconds: '3600', nanos: 0 });
    assert.deepEqual(hcm.request_timeout, { seconds: '1', nanos: 500_000_000 });
    assert.deepEqual(
      hcm.http_filters.map((f: Obj) => [f.name, f.typed_config.type_url]),
      [
        ['envoy.filters.http.fault', ExtensionTypeUrls.fault],
        ['envoy.filters.http.router', ExtensionTypeUrls.router],
      ],
    );
    assert.equal(listener.per_connection_buffer_limit_bytes.value, 32768);
    assert.equal(listener.metadata.filter_metadata.istio.fields.weight.numberValue, 1.5);
  });

  it('grpc-js-xds decodes the EDS cluster and the ClusterLoadAssignment we encode', () => {
    const cluster = decodeSingleResource(TypeUrls.cluster, encodeResource(TypeUrls.cluster, sampleCluster()));
    assert.equal(cluster.type, 'EDS');
    assert.equal(cluster.lb_policy, 'LEAST_REQUEST');
    assert.equal(cluster.eds_cluster_config.service_name, sampleCluster().name);
    assert.ok(cluster.eds_cluster_config.eds_config.ads);
    assert.equal(cluster.circuit_breakers.thresholds[0].max_requests.value, 4096);
    const options =
      cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
    assert.equal(options.type_url, ExtensionTypeUrls.httpProtocolOptions);
    const cla = decodeSingleResource(
      TypeUrls.clusterLoadAssignment,
      encodeResource(TypeUrls.clusterLoadAssignment, sampleClusterLoadAssignment()),
    );
    assert.deepEqual(
      cla.endpoints.map((l: Obj) => [l.locality.zone, l.load_balancing_weight.value, l.priority]),
      [
        ['us-east1-b', 80, 0],
        ['us-east1-c', 20, 0],
        ['us-west1-a', 100, 1],
      ],
    );
    assert.equal(cla.endpoints[0].lb_endpoints[1].load_balancing_weight.value, 3);
    assert.equal(cla.policy.overprovisioning_factor.value, 140);
  });

  it('decodes bytes that an independently loaded protobufjs Root encodes', () => {
    const root = loadProtosWithOptionsSync(
      [
        'envoy/config/listener/v3/listener.proto',
        'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
        'envoy/extensions/filters/http/router/v3/router.proto',
      ],
      { keepCase: true, includeDirs: protoIncludeDirs() },
    );
    const Hcm = root.lookupType(
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    );
    const Router = root.lookupType('envoy.extensions.filters.http.router.v3.Router');
    const hcm = Hcm.encode(
      Hcm.fromObject({
        stat_prefix: 'ingress',
        route_config: { name: 'local', virtual_hosts: [{ name: 'vh', domains: ['*'] }] },
        stream_idle_timeout: { seconds: 90, nanos: 250_000_000 },
        http_filters: [
          {
            name: 'router',
            typed_config: { type_url: ExtensionTypeUrls.router, value: Router.encode({}).finish() },
          },
        ],
        codec_type: 'AUTO',
        use_remote_address: { value: true },
      }),
    ).finish();
    const Listener = root.lookupType('envoy.config.listener.v3.Listener');
    const bytes = Listener.encode(
      Listener.fromObject({
        name: 'ingress',
        address: { socket_address: { address: '127.0.0.1', port_value: 10000 } },
        filter_chains: [
          {
            filters: [
              {
                name: 'hcm',
                typed_config: { type_url: ExtensionTypeUrls.httpConnectionManager, value: hcm },
              },
            ],
          },
        ],
      }),
    ).finish();
    assert.deepEqual(decodeResource({ type_url: TypeUrls.listener, value: bytes }), {
      name: 'ingress',
      address: { socket_address: { address: '127.0.0.1', port_value: 10000 } },
      filter_chains: [
        {
          filters: [
            {
              name: 'hcm',
              typed_config: {
                '@type': ExtensionTypeUrls.httpConnectionManager,
                stat_prefix: 'ingress',
                route_config: { name: 'local', virtual_hosts: [{ name: 'vh', domains: ['*'] }] },
                stream_idle_timeout: '90.250s',
                http_filters: [{ name: 'router', typed_config: { '@type': ExtensionTypeUrls.router } }],
                use_remote_address: true,
              },
            },
          ],
        },
      ],
    });
  });

  it('round-trips DiscoveryResponses through proto-loader’s ADS serializers', () => {
    const method = (loadAdsPackageDefinition()[ADS_SERVICE] as Obj).StreamAggregatedResources;
    const response = {
      version_info: 'v1',
      type_url: TypeUrls.cluster,
      nonce: '1',
      resources: [toAny(TypeUrls.cluster, sampleCluster())],
    };
    const theirBytes: Buffer = method.responseSerialize(response);
    const ours = decodeMessage('envoy.service.discovery.v3.DiscoveryResponse', theirBytes) as Obj;
    assert.deepEqual(ours.resources, [{ '@type': TypeUrls.cluster, ...sampleCluster() }]);
    const ourBytes = encodeResource('envoy.service.discovery.v3.DiscoveryResponse', ours);
    assert.deepEqual(ourBytes, theirBytes);
    const theirs = method.responseDeserialize(ourBytes);
    assert.equal(theirs.version_info, 'v1');
    assert.deepEqual(Buffer.from(theirs.resources[0].value), response.resources[0]!.value);
  });

  it('reads and writes ADS messages as proto-loader does, from the xDS root (the sidecar’s ADS method)', () => {
    const theirs = (loadAdsPackageDefinition()[ADS_SERVICE] as Obj).StreamAggregatedResources;
    const ours = streamAggregatedResourcesMethod();
    assert.equal(ours.path, theirs.path);
    const response = {
      version_info: 'v7',
      type_url: TypeUrls.cluster,
      nonce: '3',
      resources: [toAny(TypeUrls.cluster, sampleCluster())],
      control_plane: { identifier: 'tandem' },
    };
    const bytes: Buffer = theirs.responseSerialize(response);
    assert.deepEqual(ours.responseDeserialize(bytes), theirs.responseDeserialize(bytes));
    const request = {
      version_info: '',
      node: {
        id: 'sidecar~10.0.0.1~web-1.default~default.svc.cluster.local',
        metadata: { fields: { NAMESPACE: { stringValue: 'default' } } },
        locality: { region: 'r1', zone: 'z1' },
      },
      resource_names: ['a', 'b'],
      type_url: TypeUrls.listener,
      error_detail: { code: 3, message: 'bad' },
    };
    assert.deepEqual(ours.requestSerialize(request as never), theirs.requestSerialize(request));
  });

  it('reads and writes CA messages as proto-loader does, without it', () => {
    const root = protobuf.parse(CA_PROTO, { keepCase: true }).root;
    root.addJSON(protobuf.common.get('google/protobuf/struct.proto')!.nested!);
    const options = { keepCase: true, longs: String, enums: String, defaults: true };
    const theirs = (protoLoader.fromJSON(root.toJSON(), options)[CA_SERVICE] as Obj).CreateCertificate;
    const ours = caServiceDefinition().CreateCertificate;
    assert.equal(ours.path, theirs.path);
    const request = { csr: 'PEM', validity_duration: '86400', metadata: { fields: {} } };
    const bytes = ours.requestSerialize(request);
    assert.deepEqual(bytes, theirs.requestSerialize(request));
    assert.deepEqual(ours.requestDeserialize(bytes), theirs.requestDeserialize(bytes));
    const response = { cert_chain: ['leaf', 'root'] };
    assert.deepEqual(ours.responseDeserialize(theirs.responseSerialize(response)), response);
  });
});
