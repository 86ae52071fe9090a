import protoLoader from '@grpc/proto-loader';
import { protoIncludeDirs } from './proto-files.ts';

/**
 * How the discovery messages look after proto-loader: proto field names, enums as names, 64-bit integers as
 * strings, absent fields filled with defaults, `Any` left as `{type_url, value: Buffer}` (decode its body with
 * `decodeResource`).
 */
export const ADS_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: protoIncludeDirs(),
};

let cached: protoLoader.PackageDefinition | undefined;

/**
 * The proto-loader package definition of `envoy/service/discovery/v3/ads.proto`, loaded once. Pass
 * `definition[ADS_SERVICE]` to grpc-js's `server.addService` or `makeGenericClientConstructor`.
 *
 * @example
 * const service = loadAdsPackageDefinition()[ADS_SERVICE] as grpc.ServiceDefinition;
 * server.addService(service, { StreamAggregatedResources, DeltaAggregatedResources });
 */
export function loadAdsPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', ADS_LOADER_OPTIONS);
  return cached;
}
