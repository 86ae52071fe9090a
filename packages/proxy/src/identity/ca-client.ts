/**
 * Asks the CA for a certificate: one unary `istio.v1.auth.IstioCertificateService/CreateCertificate` call
 * with the bootstrap credential as `authorization: Bearer`, answering the chain leaf first, root last.
 */
import * as grpc from '@grpc/grpc-js';
import {
  caServiceDefinition,
  type GrpcMethod,
  type IstioCertificateRequest,
  type IstioCertificateResponse,
} from '@tandem/xds-proto/client';
import { TandemError } from '../util/errors.ts';

const TIMEOUT_MS = 10_000;

export class CaClient {
  private readonly client: grpc.Client;
  private readonly method: GrpcMethod<IstioCertificateRequest, IstioCertificateResponse>;
  private readonly address: string;

  constructor(address: string) {
    this.address = address;
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
    this.method = caServiceDefinition().CreateCertificate;
  }

  createCertificate(csrPem: string, ttlMs: number, token: string): Promise<string[]> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const request: IstioCertificateRequest = {
      csr: csrPem,
      validity_duration: String(Math.round(ttlMs / 1000)),
    };
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        this.method.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + TIMEOUT_MS },
        (err, response) => {
          if (err || !response) {
            const why = err ? `${grpc.status[err.code] ?? err.code}: ${err.details}` : 'empty response';
            return reject(new TandemError('TANDEM_ERR_CA_REQUEST', `CA ${this.address}: ${why}`));
          }
          if (response.cert_chain.length === 0)
            return reject(
              new TandemError('TANDEM_ERR_CA_REQUEST', `CA ${this.address}: no certificate in the answer`),
            );
          resolve(response.cert_chain);
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
