/**
 * ClientTLSSettings for upstream connections. MUTUAL needs a client certificate and key unless a
 * credentialName holds them; credentialName excludes file paths; insecureSkipVerify excludes CA/SAN checks.
 */
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { boolValue } from '../../envoy/schema/wrappers.ts';
import { invalid, notApplied, stringList } from '../core/istio-fields.ts';
import type { ClientTlsSettings } from '../types.ts';

const MODES = { DISABLE: 0, SIMPLE: 1, MUTUAL: 2, ISTIO_MUTUAL: 3 };

export const clientTlsSettings: Schema<ClientTlsSettings> = message({
  name: 'istio.networking.v1.ClientTLSSettings',
  fields: {
    mode: withDefault(enumOf('TLSmode', MODES), 'DISABLE'),
    clientCertificate: withDefault(str, ''),
    privateKey: withDefault(str, ''),
    caCertificates: withDefault(str, ''),
    credentialName: withDefault(str, ''),
    subjectAltNames: optional(stringList),
    sni: withDefault(str, ''),
    insecureSkipVerify: withDefault(boolValue, false),
    caCrl: optional(notApplied(str, 'certificate revocation lists (caCrl)')),
  },
  build: (v, ctx) => {
    const sans = v.subjectAltNames;
    if (
      v.insecureSkipVerify &&
      v.mode === 'SIMPLE' &&
      (v.caCertificates || v.credentialName || sans !== undefined)
    ) {
      invalid(
        ctx,
        'with insecureSkipVerify, caCertificates, credentialName and subjectAltNames cannot be set',
      );
    }
    if (v.insecureSkipVerify && v.mode === 'MUTUAL' && (v.caCertificates || sans !== undefined)) {
      invalid(ctx, 'with insecureSkipVerify, caCertificates and subjectAltNames cannot be set');
    }
    const usesCredential = (v.mode === 'SIMPLE' || v.mode === 'MUTUAL') && v.credentialName !== '';
    if (usesCredential && (v.clientCertificate || v.caCertificates || v.privateKey)) {
      invalid(ctx, 'with credentialName, clientCertificate, privateKey and caCertificates cannot be set');
    }
    if (v.mode === 'MUTUAL' && !usesCredential) {
      if (v.clientCertificate === '')
        invalid(ctx.field('clientCertificate'), 'MUTUAL TLS needs a client certificate');
      if (v.privateKey === '') invalid(ctx.field('privateKey'), 'MUTUAL TLS needs a private key');
    }
    return {
      mode: v.mode,
      clientCertificate: v.clientCertificate,
      privateKey: v.privateKey,
      caCertificates: v.caCertificates,
      credentialName: v.credentialName,
      subjectAltNames: sans ?? [],
      sni: v.sni,
      insecureSkipVerify: v.insecureSkipVerify,
    };
  },
});
