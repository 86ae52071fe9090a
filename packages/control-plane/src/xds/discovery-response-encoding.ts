/**
 * DiscoveryResponse bytes built from parts: the `resources` field (repeated Any) is encoded once
 * per selection and shared by every response that carries it; only `version_info`, `type_url` and
 * `nonce` are encoded per response. The bytes are those the generic serializer produces (fields in
 * number order, empty ones left out), so clients cannot tell the difference.
 */
import type { DiscoveryResponse } from '@tandem/xds-proto';
import { lengthPrefix, stringField } from './protobuf-wire.ts';
import type { SnapshotResource } from './snapshot.ts';

/** google.protobuf.Any */
const ANY_TYPE_URL = 1;
const ANY_VALUE = 2;
/** envoy.service.discovery.v3.DiscoveryResponse */
const VERSION_INFO = 1;
const RESOURCES = 2;
const TYPE_URL = 4;
const NONCE = 5;

/** Encodes `resources` as DiscoveryResponse field 2, each an Any of its type URL and bytes. */
export function encodeResourcesField(resources: readonly SnapshotResource[]): Buffer {
  const parts: Buffer[] = [];
  const typeUrls = new Map<string, Buffer>();
  for (const resource of resources) {
    let typeUrl = typeUrls.get(resource.any.type_url);
    if (typeUrl === undefined)
      typeUrls.set(resource.any.type_url, (typeUrl = stringField(ANY_TYPE_URL, resource.any.type_url)));
    const value = resource.any.value;
    const valueHead = value.length === 0 ? Buffer.alloc(0) : lengthPrefix(ANY_VALUE, value.length);
    parts.push(
      lengthPrefix(RESOURCES, typeUrl.length + valueHead.length + value.length),
      typeUrl,
      valueHead,
      value,
    );
  }
  return Buffer.concat(parts);
}

/** A response whose `resources` are given already encoded (see {@link encodeResourcesField}). */
const preEncoded = new WeakMap<object, Buffer>();

/** Marks `response` as carrying `encodedResources` (its `resources` list must hold the same). */
export function withEncodedResources(
  response: DiscoveryResponse,
  encodedResources: Buffer,
): DiscoveryResponse {
  preEncoded.set(response, encodedResources);
  return response;
}

/**
 * Wraps a DiscoveryResponse serializer: responses marked by {@link withEncodedResources} are
 * assembled from their parts, others go to `serialize`.
 */
export function serializeDiscoveryResponse(
  serialize: (value: unknown) => Buffer,
): (value: unknown) => Buffer {
  return (value) => {
    const resources = typeof value === 'object' && value !== null ? preEncoded.get(value) : undefined;
    if (resources === undefined) return serialize(value);
    const response = value as DiscoveryResponse;
    return Buffer.concat([
      stringField(VERSION_INFO, response.version_info),
      resources,
      stringField(TYPE_URL, response.type_url),
      stringField(NONCE, response.nonce),
    ]);
  };
}
