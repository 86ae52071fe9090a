import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/** Full name of the certificate service Istio agents call (and Tandem's proxies too). */
export const CA_SERVICE = 'istio.v1.auth.IstioCertificateService';

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

let cached: protoLoader.PackageDefinition | undefined;

/**
 * The proto-loader package definition of {@link CA_PROTO}, loaded once. Pass `definition[CA_SERVICE]` to
 * `server.addService` or `makeGenericClientConstructor`.
 */
export function loadCaPackageDefinition(): protoLoader.PackageDefinition {
  if (cached !== undefined) return cached;
  const root = protobuf.parse(CA_PROTO, { keepCase: true }).root;
  root.addJSON(protobuf.common.get('google/protobuf/struct.proto')!.nested!);
  cached = protoLoader.fromJSON(root.toJSON(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  return cached;
}
