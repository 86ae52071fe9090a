import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, type DiscoveryRequest, loadAdsPackageDefinition, TypeUrls } from '@tandem/xds-proto';
import {
  deserializeDiscoveryRequest,
  encodedNames,
  resourceNamesBytes,
} from './discovery-request-decoding.ts';
import { serializeDiscoveryResponse, withEncodedResources } from './discovery-response-encoding.ts';
import { NameSets, selectResources } from './selection.ts';
import { sampleSnapshot } from './testing/sample-snapshot.ts';

const sotw = (loadAdsPackageDefinition()[ADS_SERVICE] as unknown as grpc.ServiceDefinition)
  .StreamAggregatedResources!;
const serialize = sotw.responseSerialize as (value: unknown) => Buffer;
const serializeRequest = sotw.requestSerialize as (value: unknown) => Buffer;
const deserializeRequest = sotw.requestDeserialize as (bytes: Buffer) => DiscoveryRequest;

describe('discovery messages on the wire', () => {
  it('assembles a response from pre-encoded resources into the bytes the generic serializer writes', () => {
    const snapshot = sampleSnapshot({ clusters: { web: [8080, 8081], api: [9090], db: [] } });
    const selection = selectResources(
      snapshot,
      TypeUrls.clusterLoadAssignment,
      true,
      new NameSets().acquire([]),
    );
    const response = {
      version_info: selection.version,
      resources: [...selection.anys],
      type_url: TypeUrls.clusterLoadAssignment,
      nonce: 'abc-1',
    };
    const expected = serialize(response);
    const assembled = serializeDiscoveryResponse(serialize)(
      withEncodedResources({ ...response }, selection.encoded()),
    );
    assert.ok(assembled.equals(expected));
    assert.ok(
      serializeDiscoveryResponse(serialize)(response).equals(expected),
      'unmarked responses as before',
    );
  });

  it('reads a request without decoding its names, and decodes them when asked', () => {
    const names = ['outbound|80||a', 'outbound|80||b', 'é'];
    const bytes = serializeRequest({
      version_info: 'v1',
      resource_names: names,
      type_url: 'T',
      response_nonce: 'n',
    });
    const request = deserializeDiscoveryRequest(deserializeRequest)(bytes) as DiscoveryRequest;
    assert.deepEqual(
      { ...request, resource_names: request.resource_names },
      { ...deserializeRequest(bytes), resource_names: names, node: null, error_detail: null },
    );
    const set = new NameSets().acquire(names);
    assert.ok(resourceNamesBytes(request)?.equals(encodedNames(set)));
    assert.ok(!resourceNamesBytes(request)?.equals(encodedNames(new NameSets().acquire(['x']))));
  });

  it('leaves requests with a node or an error detail to the generic deserializer', () => {
    const bytes = serializeRequest({
      node: { id: 'n1', cluster: 'c' },
      type_url: 'T',
      error_detail: { code: 3, message: 'bad' },
    });
    const request = deserializeDiscoveryRequest(deserializeRequest)(bytes) as DiscoveryRequest;
    assert.equal(request.node?.id, 'n1');
    assert.equal(request.error_detail?.message, 'bad');
    assert.equal(resourceNamesBytes(request), undefined);
  });
});
