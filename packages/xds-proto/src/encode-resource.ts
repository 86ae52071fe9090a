import { messageFromJson } from './message-from-json.ts';
import { messageNameOf } from './type-urls.ts';
import { XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';
import { requireMessageType } from './xds-root.ts';

/** A google.protobuf.Any as gRPC libraries carry it: the type URL and the encoded message. */
export interface AnyMessage {
  readonly type_url: string;
  readonly value: Buffer;
}

/**
 * Encodes one resource (or any loaded message) given in proto3 JSON. A leading `"@type"` is allowed when it
 * names the same message as `typeUrl`. Equal JSON gives equal bytes (sorted map keys, defaults left out).
 *
 * @throws {XdsProtoError} with the field path of the first problem.
 * @example
 * const bytes = encodeResource(TypeUrls.cluster, { name: 'web', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } });
 */
export function encodeResource(typeUrl: string, json: unknown): Buffer {
  const type = requireMessageType(typeUrl);
  const plain = messageFromJson(type, withoutTypeField(typeUrl, json));
  const bytes = type.encode(plain).finish();
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encodes one resource into a google.protobuf.Any, ready for a DiscoveryResponse.
 *
 * @example
 * const any = toAny(TypeUrls.routeConfiguration, { name: 'local', virtual_hosts: [] });
 * // any.type_url === 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration'
 */
export function toAny(typeUrl: string, json: unknown): AnyMessage {
  return { type_url: typeUrl, value: encodeResource(typeUrl, json) };
}

function withoutTypeField(typeUrl: string, json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('@type' in json)) return json;
  const { '@type': given, ...rest } = json as Record<string, unknown>;
  if (typeof given !== 'string' || messageNameOf(given) !== messageNameOf(typeUrl)) {
    throw new XdsProtoError(
      XdsProtoErrorCode.conflict,
      '@type',
      `is ${JSON.stringify(given)}, but the resource is a ${messageNameOf(typeUrl)}`,
    );
  }
  return rest;
}
