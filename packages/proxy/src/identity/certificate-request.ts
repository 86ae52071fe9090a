/**
 * A PKCS#10 certificate request (RFC 2986) asking for one URI subject alternative name, the workload's
 * SPIFFE ID, with an empty subject, as Istio's agents send them: the ECDSA P-256 public key, an
 * extensionRequest attribute with the SAN extension, signed ecdsa-with-SHA256. Built with node:crypto
 * and a few DER encodings; the CA takes the identity from the caller, not from here.
 */
import { type KeyObject, sign } from 'node:crypto';
import {
  bitString,
  contextConstructed,
  contextPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
} from './der.ts';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const SUBJECT_ALT_NAME = '2.5.29.17';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** GeneralName's `uniformResourceIdentifier [6] IA5String`. */
const URI_NAME = 6;

/** The DER of a request for `uri`, signed with `privateKey` (EC P-256) for `publicKey`. */
export function buildCertificateRequest(uri: string, privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const subjectAltName = sequence(contextPrimitive(URI_NAME, Buffer.from(uri, 'ascii')));
  const extensions = sequence(sequence(objectIdentifier(SUBJECT_ALT_NAME), octetString(subjectAltName)));
  const info = sequence(
    smallInteger(0),
    sequence(), // empty subject: the identity is in the SAN
    publicKey.export({ type: 'spki', format: 'der' }),
    contextConstructed(0, sequence(objectIdentifier(EXTENSION_REQUEST), set(extensions))),
  );
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  return sequence(info, sequence(objectIdentifier(ECDSA_WITH_SHA256)), bitString(signature));
}

/** PEM armour, 64 characters a line. */
export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
