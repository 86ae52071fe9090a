import { ConfigIssueCode } from '../issue-codes.ts';
import { enumOf } from '../schema/enum.ts';
import { repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import type { TlsParameters } from '../types.ts';

const VERSIONS = { TLS_AUTO: 0, TLSv1_0: 1, TLSv1_1: 2, TLSv1_2: 3, TLSv1_3: 4 } as const;
const tlsProtocol = enumOf('TlsProtocol', VERSIONS);

/** envoy.extensions.transport_sockets.tls.v3.TlsParameters. */
export const tlsParameters = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.TlsParameters',
  fields: {
    tls_minimum_protocol_version: withDefault(tlsProtocol, 'TLS_AUTO'),
    tls_maximum_protocol_version: withDefault(tlsProtocol, 'TLS_AUTO'),
    cipher_suites: repeated(nonEmptyStr, { note: 'OpenSSL names' }),
    ecdh_curves: repeated(nonEmptyStr),
    signature_algorithms: unsupported(),
    compliance_policies: unsupported(),
  },
  build: (v, ctx): TlsParameters | undefined => {
    const min = v.tls_minimum_protocol_version;
    const max = v.tls_maximum_protocol_version;
    if (min !== 'TLS_AUTO' && max !== 'TLS_AUTO' && VERSIONS[min] > VERSIONS[max]) {
      ctx.error(ConfigIssueCode.invalid, `the minimum TLS version ${min} is above the maximum ${max}`);
      return undefined;
    }
    return {
      minimumProtocolVersion: min,
      maximumProtocolVersion: max,
      cipherSuites: v.cipher_suites,
      ecdhCurves: v.ecdh_curves,
    };
  },
});
