/**
 * `@peculiar/x509` on Node's WebCrypto, set up once. Every CA module imports the library from here so the
 * crypto provider (and the reflect polyfill its dependency injection needs) is in place before first use.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

export { x509 };
export const subtle = webcrypto.subtle;
