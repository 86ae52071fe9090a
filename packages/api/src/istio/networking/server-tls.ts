/**
 * ServerTLSSettings of a Gateway server, with Istio's rules: SIMPLE needs a certificate and key (or a
 * credentialName), MUTUAL also a client CA bundle; ISTIO_MUTUAL takes no certificates; PASSTHROUGH modes
 * ignore certificates (a warning); only one certificate source. Cipher suites Envoy does not know are
 * ignored with a warning, as Istio does. Revocation lists, several certificates and SPKI/hash pinning are
 * checked and reported as not applied.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { type FieldValues, message } from '../../envoy/schema/message.ts';
import { bool, str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid, notApplied, stringList } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { ServerTlsSettings } from '../types.ts';

const MODE = {
  PASSTHROUGH: 0,
  SIMPLE: 1,
  MUTUAL: 2,
  AUTO_PASSTHROUGH: 3,
  ISTIO_MUTUAL: 4,
  OPTIONAL_MUTUAL: 5,
};
const VERSION = { TLS_AUTO: 0, TLSV1_0: 1, TLSV1_1: 2, TLSV1_2: 3, TLSV1_3: 4 };

/** The cipher suites Istio accepts (Envoy's BoringSSL names); others are dropped with a warning. */
export const VALID_CIPHER_SUITES: ReadonlySet<string> = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
]);

const tlsCertificate = message({
  name: 'istio.networking.v1.ServerTLSSettings.TLSCertificate',
  fields: {
    serverCertificate: withDefault(str, ''),
    privateKey: withDefault(str, ''),
    caCertificates: withDefault(str, ''),
  },
  build: (v) => v,
});

const fields = {
  httpsRedirect: withDefault(bool, false),
  mode: withDefault(enumOf('TLSmode', MODE), 'PASSTHROUGH'),
  serverCertificate: withDefault(str, ''),
  privateKey: withDefault(str, ''),
  caCertificates: withDefault(str, ''),
  caCrl: withDefault(str, ''),
  credentialName: withDefault(str, ''),
  credentialNames: withDefault(stringList, []),
  tlsCertificates: withDefault(listOf(tlsCertificate), []),
  subjectAltNames: withDefault(stringList, []),
  verifyCertificateSpki: optional(notApplied(stringList, 'verifyCertificateSpki (certificate pinning)')),
  verifyCertificateHash: optional(notApplied(stringList, 'verifyCertificateHash (certificate pinning)')),
  minProtocolVersion: withDefault(enumOf('TLSProtocol', VERSION), 'TLS_AUTO'),
  maxProtocolVersion: withDefault(enumOf('TLSProtocol', VERSION), 'TLS_AUTO'),
  cipherSuites: withDefault(stringList, []),
};

type Values = FieldValues<typeof fields>;

function checkCipherSuites(v: Values, ctx: ValidationContext): void {
  if (
    (v.minProtocolVersion === 'TLSV1_0' || v.minProtocolVersion === 'TLSV1_1') &&
    v.cipherSuites.length === 0
  )
    ctx
      .field('minProtocolVersion')
      .warn(
        IstioIssueCode.ineffective,
        'TLS versions below TLSV1_2 need compatible cipherSuites: the default suites no longer include any',
      );
  const invalidSuites = [...new Set(v.cipherSuites.filter((c) => !VALID_CIPHER_SUITES.has(c)))].sort();
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const c of v.cipherSuites) {
    if (VALID_CIPHER_SUITES.has(c) && seen.has(c)) duplicates.add(c);
    seen.add(c);
  }
  const at = ctx.field('cipherSuites');
  if (invalidSuites.length > 0)
    at.warn(IstioIssueCode.ineffective, `ignoring invalid cipher suites: ${invalidSuites.join(', ')}`);
  if (duplicates.size > 0)
    at.warn(
      IstioIssueCode.ineffective,
      `ignoring duplicate cipher suites: ${[...duplicates].sort().join(', ')}`,
    );
}

function checkIstioMutual(v: Values, ctx: ValidationContext): void {
  const set: [keyof Values, string][] = [
    ['serverCertificate', 'a server certificate'],
    ['privateKey', 'a private key'],
    ['caCertificates', 'a CA bundle'],
    ['credentialName', 'a credentialName'],
  ];
  for (const [key, what] of set)
    if (v[key] !== '')
      invalid(ctx.field(key), `ISTIO_MUTUAL TLS cannot have ${what} (the mesh certificate is used)`);
  if (v.tlsCertificates.length > 0)
    invalid(ctx.field('tlsCertificates'), 'ISTIO_MUTUAL TLS cannot have tlsCertificates');
  if (v.credentialNames.length > 0)
    invalid(ctx.field('credentialNames'), 'ISTIO_MUTUAL TLS cannot have credentialNames');
}

function checkCertificates(v: Values, ctx: ValidationContext): void {
  const sources = [
    v.serverCertificate !== '' && v.privateKey !== '',
    v.credentialName !== '',
    v.credentialNames.length > 0,
    v.tlsCertificates.length > 0,
  ].filter(Boolean).length;
  if (sources > 1)
    invalid(
      ctx,
      'set only one of credentialName, credentialNames, serverCertificate/privateKey and tlsCertificates',
    );
  const terminates = v.mode === 'SIMPLE' || v.mode === 'MUTUAL' || v.mode === 'OPTIONAL_MUTUAL';
  if (!terminates || v.credentialName !== '' || v.credentialNames.length > 0) return;
  const prefix = v.mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
  if (prefix === 'MUTUAL TLS' && v.caCertificates === '')
    invalid(ctx.field('caCertificates'), `${prefix} requires a client CA bundle (caCertificates)`);
  if (v.tlsCertificates.length > 2)
    ctx
      .field('tlsCertificates')
      .warn(IstioIssueCode.ineffective, `${prefix} can use at most 2 server certificates`);
  const certs = v.tlsCertificates.length > 0 ? v.tlsCertificates : [v];
  const at = (i: number, key: string) =>
    v.tlsCertificates.length > 0 ? ctx.field('tlsCertificates').item(i).field(key) : ctx.field(key);
  certs.forEach((c, i) => {
    if (c.serverCertificate === '')
      invalid(at(i, 'serverCertificate'), `${prefix} requires a server certificate`);
    if (c.privateKey === '') invalid(at(i, 'privateKey'), `${prefix} requires a private key`);
  });
}

function checkCrl(v: Values, ctx: ValidationContext): void {
  if (v.caCrl === '') return;
  if (v.credentialName !== '')
    invalid(ctx.field('caCrl'), 'caCrl cannot be used with credentialName: put the CRL in the credential');
  if (v.mode === 'SIMPLE') invalid(ctx.field('caCrl'), 'caCrl is not supported with SIMPLE TLS');
}

/** Fields Istio accepts and Tandem cannot apply yet: reported, then dropped. */
function warnNotApplied(v: Values, ctx: ValidationContext): void {
  const notYet: [keyof Values, string][] = [
    ['caCrl', 'certificate revocation lists (caCrl)'],
    ['credentialNames', 'several credentials (credentialNames)'],
    ['tlsCertificates', 'several server certificates (tlsCertificates)'],
  ];
  for (const [key, what] of notYet) {
    const value = v[key];
    if (value !== '' && !(Array.isArray(value) && value.length === 0))
      ctx
        .field(key)
        .warn(IstioIssueCode.unsupportedField, `not supported by Tandem yet and ignored: ${what}`);
  }
}

export const serverTlsSettings: Schema<ServerTlsSettings> = message({
  name: 'istio.networking.v1.ServerTLSSettings',
  fields,
  build: (v, ctx) => {
    checkCipherSuites(v, ctx);
    if (v.mode === 'ISTIO_MUTUAL') checkIstioMutual(v, ctx);
    else {
      const passthrough = v.mode === 'PASSTHROUGH' || v.mode === 'AUTO_PASSTHROUGH';
      const certs = [v.caCrl, v.serverCertificate, v.privateKey, v.caCertificates, v.credentialName];
      if (
        passthrough &&
        (certs.some((c) => c !== '') || v.tlsCertificates.length + v.credentialNames.length > 0)
      )
        ctx.warn(IstioIssueCode.ineffective, `${v.mode} mode does not use certificates; they are ignored`);
      checkCertificates(v, ctx);
      checkCrl(v, ctx);
    }
    warnNotApplied(v, ctx);
    return {
      httpsRedirect: v.httpsRedirect,
      mode: v.mode,
      serverCertificate: v.serverCertificate,
      privateKey: v.privateKey,
      caCertificates: v.caCertificates,
      credentialName: v.credentialName,
      subjectAltNames: v.subjectAltNames,
      minProtocolVersion: v.minProtocolVersion,
      maxProtocolVersion: v.maxProtocolVersion,
      cipherSuites: v.cipherSuites,
    };
  },
});
