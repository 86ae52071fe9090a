import protobuf from 'protobufjs';
import { type GrpcMethod, grpcMethod } from './grpc-method.ts';

/** Full name of the certificate service Istio agents call (and Tandem's proxies too). */
export const CA_SERVICE = 'istio.v1.auth.IstioCertificateService';

const CA_PACKAGE = 'istio.v1.auth';

/** `IstioCertificateRequest` as proto-loader hands it over (64-bit integers as strings). */
export interface IstioCertificateRequest {
  csr: string;
  validity_duration: string | number;
  metadata?: { fields?: Record<string, unknown> } | null;
}

export interface IstioCertificateResponse {
  cert_chain: string[];
}

/**
 * Tandem's own description of the certificate-signing service Istio agents call: package, service,
 * message and field names and numbers are Istio's, so either side interoperates. Kept as text here
 * (not a .proto file) so that the bundled CLI carries it.
 */
export const CA_PROTO = `
syntax = "proto3";
package istio.v1.auth;
import "google/protobuf/struct.proto";

// A workload asks for a certificate for the key in its CSR.
message IstioCertificateRequest {
  // PKCS#10 certificate signing request, PEM.
  string csr = 1;
  // Requested lifetime in seconds (the CA may shorten it).
  int64 validity_duration = 3;
  // Optional hints from the caller; the identity never comes from here.
  google.protobuf.Struct metadata = 4;
}

message IstioCertificateResponse {
  // PEM certificates: the issued leaf first, then the intermediates, the root last.
  repeated string cert_chain = 1;
}

service IstioCertificateService {
  rpc CreateCertificate(IstioCertificateRequest) returns (IstioCertificateResponse) {}
}
`;

/** The service as @grpc/grpc-js takes it: `server.addService(caServiceDefinition(), ...)`. */
export interface CaServiceDefinition {
  readonly CreateCertificate: GrpcMethod<IstioCertificateRequest, IstioCertificateResponse>;
}

let cached: CaServiceDefinition | undefined;

/**
 * {@link CA_PROTO} as a gRPC service definition, built once with protobufjs alone (no @grpc/proto-loader); messages in proto-loader's shape (64-bit
 * integers as strings, defaults filled in). Pass it to `server.addService`, or its `CreateCertificate` to
 * `client.makeUnaryRequest`.
 */
export function caServiceDefinition(): CaServiceDefinition {
  if (cached !== undefined) return cached;
  const root = protobuf.parse(CA_PROTO, { keepCase: true }).root;
  root.addJSON(protobuf.common.get('google/protobuf/struct.proto')!.nested!);
  root.resolveAll();
  cached = {
    CreateCertificate: grpcMethod({
      service: CA_SERVICE,
      method: 'CreateCertificate',
      request: root.lookupType(`${CA_PACKAGE}.IstioCertificateRequest`),
      response: root.lookupType(`${CA_PACKAGE}.IstioCertificateResponse`),
    }),
  };
  return cached;
}
