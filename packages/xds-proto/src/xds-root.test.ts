import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedExtensionTypeUrls, RESOURCE_TYPE_URLS } from '@tandem/api';
import { streamAggregatedResourcesMethod } from './ads-method.ts';
import { ExtensionTypeUrls } from './type-urls.ts';
import { findMessageType, getXdsRoot } from './xds-root.ts';

describe('the xDS root', () => {
  it('resolves every resource and extension type the validator accepts, and the ADS messages', () => {
    const urls = [
      ...Object.values(RESOURCE_TYPE_URLS),
      ...Object.values(ExtensionTypeUrls),
      ...acceptedExtensionTypeUrls(),
      'envoy.service.discovery.v3.DiscoveryRequest',
      'envoy.service.discovery.v3.DiscoveryResponse',
    ];
    assert.ok(acceptedExtensionTypeUrls().length > 15, 'the registries are filled');
    assert.deepEqual(
      urls.filter((url) => findMessageType(url) === undefined),
      [],
    );
    assert.equal(streamAggregatedResourcesMethod().responseStream, true);
  });

  it('leaves out what only options use: protoc-gen-validate rules, descriptor.proto, services', () => {
    assert.equal(findMessageType('validate.FieldRules'), undefined);
    assert.equal(findMessageType('google.protobuf.FieldOptions'), undefined);
    assert.equal(getXdsRoot().lookup('envoy.service.discovery.v3.AggregatedDiscoveryService'), null);
    const cluster = findMessageType('envoy.config.cluster.v3.Cluster')!;
    assert.equal(cluster.fields['name']!.options, undefined, 'the (validate.rules) option is dropped');
  });
});
