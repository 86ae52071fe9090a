import {
  CLIENT_SPIFFE_ID,
  createTestPki,
  SERVER_SPIFFE_ID,
} from '../../packages/proxy/src/tls/testing/test-pki.ts';
import type { PairPki } from './pair-bootstraps.ts';

/** A throw-away ECDSA P-256 PKI made with openssl (the same material the proxy's TLS tests use). */
export function createPairPki(): PairPki & { remove(): void } {
  const pki = createTestPki();
  return {
    ca: pki.file('ca.pem'),
    serverCert: pki.file('server.pem'),
    serverKey: pki.file('server.key'),
    clientCert: pki.file('client.pem'),
    clientKey: pki.file('client.key'),
    serverId: SERVER_SPIFFE_ID,
    clientId: CLIENT_SPIFFE_ID,
    remove: () => pki.remove(),
  };
}
