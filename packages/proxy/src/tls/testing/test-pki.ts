import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test-only: a throw-away PKI generated with the `openssl` CLI into a temp directory, so no key
 * is ever committed. ECDSA P-256, valid for one day.
 */
export interface TestPki {
  readonly dir: string;
  /** Absolute path of a file in the PKI directory. */
  file(name: string): string;
  /** The content of a file in the PKI directory. */
  pem(name: string): string;
  remove(): void;
}

export const SERVER_SPIFFE_ID = 'spiffe://cluster.local/ns/default/sa/foo';
export const CLIENT_SPIFFE_ID = 'spiffe://cluster.local/ns/default/sa/client';
export const KEY_PASSWORD = 'correct horse';

/**
 * Creates: ca.pem/ca.key (trusted CA), server.pem/server.key (DNS server.example.com,
 * DNS *.svc.example.com, URI SERVER_SPIFFE_ID, IP 127.0.0.1), client.pem/client.key
 * (URI CLIENT_SPIFFE_ID, email client@example.com), other-ca.pem and rogue.pem/rogue.key (a client
 * certificate from an untrusted CA with the same SPIFFE id), server-encrypted.key (KEY_PASSWORD).
 */
export function createTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const makeCa = (name: string, cn: string) =>
    openssl(
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  const makeLeaf = (name: string, ca: string, san: string) => {
    fs.writeFileSync(
      file(`${name}.ext`),
      `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${san}\n`,
    );
    openssl('req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  };
  makeCa('ca', 'Tandem Test CA');
  makeCa('other-ca', 'Untrusted Test CA');
  makeLeaf(
    'server',
    'ca',
    `DNS:server.example.com,DNS:*.svc.example.com,URI:${SERVER_SPIFFE_ID},IP:127.0.0.1`,
  );
  makeLeaf('client', 'ca', `URI:${CLIENT_SPIFFE_ID},email:client@example.com`);
  makeLeaf('rogue', 'other-ca', `URI:${CLIENT_SPIFFE_ID}`);
  openssl(
    'pkey',
    '-in',
    'server.key',
    '-aes256',
    '-passout',
    `pass:${KEY_PASSWORD}`,
    '-out',
    'server-encrypted.key',
  );
  return {
    dir,
    file,
    pem: (name) => fs.readFileSync(file(name), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
