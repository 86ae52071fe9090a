/**
 * Serves the CA over gRPC as `istio.v1.auth.IstioCertificateService/CreateCertificate` (what Istio agents
 * and Tandem's proxies call): authenticate the caller from the `authorization: Bearer` metadata, sign the
 * CSR for that identity only, answer the chain leaf first and root last. Refusals map to gRPC statuses
 * (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT) with the CA's stable code in the message.
 */
import * as grpc from '@grpc/grpc-js';
import {
  caServiceDefinition,
  type IstioCertificateRequest,
  type IstioCertificateResponse,
} from '@tandem/xds-proto';
import { CaError, CaErrorCode, type CaErrorCodeValue } from './ca-error.ts';
import { authenticateCaller, type CallerAuthenticator } from './caller-authenticator.ts';
import type { CertificateAuthority } from './certificate-authority.ts';
import { spiffeId } from './spiffe.ts';

export interface CaServiceOptions {
  readonly ca: CertificateAuthority;
  readonly authenticators: readonly CallerAuthenticator[];
  readonly log?: (line: string) => void;
}

export interface CaServiceCounters {
  issued: number;
  refused: number;
}

const STATUS: Readonly<Record<CaErrorCodeValue, grpc.status>> = {
  [CaErrorCode.unauthenticated]: grpc.status.UNAUTHENTICATED,
  [CaErrorCode.foreignIdentity]: grpc.status.PERMISSION_DENIED,
  [CaErrorCode.badCsr]: grpc.status.INVALID_ARGUMENT,
  [CaErrorCode.config]: grpc.status.INTERNAL,
};

/** Adds the certificate service to a gRPC server (the control plane's xDS server); returns its counters. */
export function addCaService(server: grpc.Server, options: CaServiceOptions): CaServiceCounters {
  const counters: CaServiceCounters = { issued: 0, refused: 0 };
  server.addService(caServiceDefinition() as unknown as grpc.ServiceDefinition, {
    CreateCertificate: (
      call: grpc.ServerUnaryCall<IstioCertificateRequest, IstioCertificateResponse>,
      callback: grpc.sendUnaryData<IstioCertificateResponse>,
    ) => {
      createCertificate(call, options).then(
        (response) => {
          counters.issued++;
          callback(null, response);
        },
        (err: unknown) => {
          counters.refused++;
          const code = err instanceof CaError ? err.code : CaErrorCode.config;
          const details = `${(err as Error).message} [${code}]`;
          options.log?.(`ca: refused a certificate for ${call.getPeer()}: ${details}`);
          callback({ code: STATUS[code], details }, null);
        },
      );
    },
  });
  return counters;
}

async function createCertificate(
  call: grpc.ServerUnaryCall<IstioCertificateRequest, IstioCertificateResponse>,
  options: CaServiceOptions,
): Promise<IstioCertificateResponse> {
  const header = String(call.metadata.get('authorization')[0] ?? '');
  const bearerToken = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : undefined;
  const identity = await authenticateCaller(options.authenticators, {
    bearerToken,
    peerAddress: call.getPeer(),
  });
  const ttlSeconds = Number(call.request.validity_duration || 0);
  const issued = await options.ca.sign(call.request.csr, identity, ttlSeconds * 1000);
  options.log?.(
    `ca: issued ${spiffeId(options.ca.trustDomain, identity)} serial ${issued.serialNumber} (${identity.authenticator})`,
  );
  return { cert_chain: [...issued.chainPem] };
}
