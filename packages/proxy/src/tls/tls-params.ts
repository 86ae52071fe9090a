import tls from 'node:tls';
import type { TlsParameters } from '@tandem/api/envoy';
import type { TlsBuildOptions } from './data-source.ts';
import { TlsConfigError } from './tls-config-error.ts';

export type TlsRole = 'server' | 'client';

/** The protocol/cipher part of tls.createSecureContext options. */
export interface NodeTlsParams {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  ciphers: string;
  ecdhCurve: string;
}

type Version = TlsParameters['minimumProtocolVersion'];

const NODE_VERSIONS: Record<Exclude<Version, 'TLS_AUTO'>, tls.SecureVersion> = {
  TLSv1_0: 'TLSv1',
  TLSv1_1: 'TLSv1.1',
  TLSv1_2: 'TLSv1.2',
  TLSv1_3: 'TLSv1.3',
};
const VERSION_ORDER: tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Envoy's default TLS 1.0-1.2 cipher list (non-FIPS), the same for servers and clients. */
const ENVOY_DEFAULT_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
];
const ENVOY_DEFAULT_CURVES = ['X25519', 'P-256'];
/** Envoy's cipher_suites only affect TLS <= 1.2; TLS 1.3 keeps the library's suites. */
const TLS13_SUITES = tls.DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));

/**
 * Maps Envoy TlsParameters to Node options, with Envoy's defaults: TLS_AUTO means minimum 1.2,
 * maximum 1.3 for servers and 1.2 for clients; cipher_suites (BoringSSL equal-preference groups
 * `[A|B]` are flattened) apply to TLS <= 1.2 only; ecdh_curves default to X25519 and P-256.
 * Every cipher and curve is tried on its own so a typo is reported instead of silently dropped.
 */
export function buildTlsParams(
  params: TlsParameters | undefined,
  role: TlsRole,
  options: TlsBuildOptions = {},
): NodeTlsParams {
  const field = 'common_tls_context.tls_params';
  const minVersion = nodeVersion(params?.minimumProtocolVersion, 'TLSv1.2');
  const maxVersion = nodeVersion(params?.maximumProtocolVersion, role === 'server' ? 'TLSv1.3' : 'TLSv1.2');
  if (VERSION_ORDER.indexOf(minVersion) > VERSION_ORDER.indexOf(maxVersion)) {
    const reason = `minimum protocol version ${minVersion} is above maximum ${maxVersion}`;
    throw new TlsConfigError(options.target, field, reason);
  }
  const suites = params?.cipherSuites.length
    ? params.cipherSuites.flatMap(flattenGroup)
    : ENVOY_DEFAULT_CIPHERS;
  const curves = params?.ecdhCurves.length ? params.ecdhCurves : ENVOY_DEFAULT_CURVES;
  rejectUnknown(suites, (c) => ({ ciphers: c }), `${field}.cipher_suites`, 'cipher suite', options);
  rejectUnknown(curves, (c) => ({ ecdhCurve: c }), `${field}.ecdh_curves`, 'ECDH curve', options);
  const tls13 = suites.some((s) => s.startsWith('TLS_')) ? [] : TLS13_SUITES;
  return { minVersion, maxVersion, ciphers: [...suites, ...tls13].join(':'), ecdhCurve: curves.join(':') };
}

function nodeVersion(version: Version | undefined, auto: tls.SecureVersion): tls.SecureVersion {
  return version === undefined || version === 'TLS_AUTO' ? auto : NODE_VERSIONS[version];
}

/** `[A|B]` (a BoringSSL equal-preference group) becomes A, B; OpenSSL has no such groups. */
function flattenGroup(suite: string): string[] {
  const trimmed = suite.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) return trimmed.slice(1, -1).split('|');
  return [trimmed];
}

function rejectUnknown(
  names: readonly string[],
  toOptions: (name: string) => tls.SecureContextOptions,
  field: string,
  what: string,
  options: TlsBuildOptions,
): void {
  const rejected = names.filter((name) => {
    try {
      tls.createSecureContext(toOptions(name));
      return false;
    } catch {
      return true;
    }
  });
  if (rejected.length > 0) {
    const reason = `unknown ${what}${rejected.length > 1 ? 's' : ''}: ${rejected.join(', ')}`;
    throw new TlsConfigError(options.target, field, reason);
  }
}
