/**
 * Everything of `@tandem/xds-proto` but the @grpc/proto-loader definitions servers use: what an xDS client
 * (the sidecar) imports, so that its bundle never loads proto-loader.
 */
export { ADS_SERVICE, streamAggregatedResourcesMethod } from './ads-method.ts';
export {
  CA_SERVICE,
  type CaServiceDefinition,
  caServiceDefinition,
  type IstioCertificateRequest,
  type IstioCertificateResponse,
} from './ca-service-definition.ts';
export { type AnyInput, decodeAny, decodeMessage, decodeResource } from './decode-resource.ts';
export type * from './discovery-types.ts';
export { type AnyMessage, encodeResource, toAny } from './encode-resource.ts';
export {
  GRPC_OBJECT_OPTIONS,
  type GrpcMethod,
  type GrpcMethodTypes,
  grpcDeserializer,
  grpcMethod,
  grpcSerializer,
} from './grpc-method.ts';
export { type EncodableMessage, messageFromJson } from './message-from-json.ts';
export { messageToJson, type ToJsonOptions } from './message-to-json.ts';
export { protoIncludeDirs, XDS_PROTO_FILES } from './proto-files.ts';
export { ExtensionTypeUrls, messageNameOf, TYPE_URL_PREFIX, TypeUrls, typeUrlOf } from './type-urls.ts';
export { XdsProtoError, XdsProtoErrorCode, type XdsProtoErrorCodeValue } from './xds-proto-error.ts';
export { findMessageType, getXdsRoot, requireMessageType } from './xds-root.ts';
