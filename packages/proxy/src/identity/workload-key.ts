/**
 * The workload's key pair and its CSR. The key is generated in memory (ECDSA P-256) and only ever exported
 * to an in-memory PEM for Node's TLS context: it is never written to disk and never sent anywhere. The CSR
 * asks for the workload's SPIFFE ID; the CA decides what it grants.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCertificateRequest, toPem } from './certificate-request.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface WorkloadKey {
  readonly keyPem: string;
  readonly csrPem: string;
}

export async function createWorkloadKey(spiffeId: string): Promise<WorkloadKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    csrPem: toPem('CERTIFICATE REQUEST', buildCertificateRequest(spiffeId, privateKey, publicKey)),
  };
}
