import type { DiscoveryRequest, DiscoveryResponse } from './discovery-types.ts';
import { type GrpcMethod, grpcMethod } from './grpc-method.ts';
import { requireMessageType } from './xds-root.ts';

/** Full name of the aggregated discovery service. */
export const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

let cached: GrpcMethod<DiscoveryRequest, DiscoveryResponse> | undefined;

/**
 * `StreamAggregatedResources` for a client, its messages from the xDS root that decodes the resources
 * too (so a sidecar parses the protos once, and never loads @grpc/proto-loader); messages in the shape
 * of `ADS_LOADER_OPTIONS`, like {@link loadAdsPackageDefinition}'s.
 *
 * @example
 * const method = streamAggregatedResourcesMethod();
 * client.makeBidiStreamRequest(method.path, encodeRequest, method.responseDeserialize, metadata);
 */
export function streamAggregatedResourcesMethod(): GrpcMethod<DiscoveryRequest, DiscoveryResponse> {
  cached ??= grpcMethod({
    service: ADS_SERVICE,
    method: 'StreamAggregatedResources',
    request: requireMessageType('envoy.service.discovery.v3.DiscoveryRequest'),
    response: requireMessageType('envoy.service.discovery.v3.DiscoveryResponse'),
    requestStream: true,
    responseStream: true,
  });
  return cached;
}
