import type protobuf from 'protobufjs';

/**
 * How messages look on the gRPC side, as @grpc/proto-loader hands them over with
 * `ADS_LOADER_OPTIONS`: proto field names, enums by name, 64-bit integers as strings, absent fields
 * at their defaults, the set member of each oneof named, bytes as Buffers, `Any` left as
 * `{type_url, value}`.
 */
export const GRPC_OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * A gRPC method described to @grpc/grpc-js (its `MethodDefinition`, which `Server.addService` and
 * `Client.makeUnaryRequest` / `makeBidiStreamRequest` take) without @grpc/proto-loader: the messages are
 * protobufjs types of a Root already loaded, so a process does not parse the same protos twice.
 */
export interface GrpcMethod<Request, Response> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (request: Request) => Buffer;
  readonly requestDeserialize: (bytes: Buffer) => Request;
  readonly responseSerialize: (response: Response) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => Response;
  readonly originalName: string;
}

export interface GrpcMethodTypes {
  readonly service: string;
  readonly method: string;
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly requestStream?: boolean;
  readonly responseStream?: boolean;
}

/** The method `/{service}/{method}`, its messages in the shape of {@link GRPC_OBJECT_OPTIONS}. */
export function grpcMethod<Request, Response>(types: GrpcMethodTypes): GrpcMethod<Request, Response> {
  return {
    path: `/${types.service}/${types.method}`,
    requestStream: types.requestStream ?? false,
    responseStream: types.responseStream ?? false,
    requestSerialize: grpcSerializer<Request>(types.request),
    requestDeserialize: grpcDeserializer<Request>(types.request),
    responseSerialize: grpcSerializer<Response>(types.response),
    responseDeserialize: grpcDeserializer<Response>(types.response),
    originalName: types.method.charAt(0).toLowerCase() + types.method.slice(1),
  };
}

/** Bytes to the object shape of {@link GRPC_OBJECT_OPTIONS}. */
export function grpcDeserializer<T>(type: protobuf.Type): (bytes: Buffer) => T {
  return (bytes) => type.toObject(type.decode(bytes), GRPC_OBJECT_OPTIONS) as T;
}

/** An object in (or close to) the shape of {@link GRPC_OBJECT_OPTIONS} to bytes. */
export function grpcSerializer<T>(type: protobuf.Type): (message: T) => Buffer {
  return (message) => {
    const bytes = type.encode(type.fromObject(message as object)).finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}
