/**
 * `/certs`: every certificate the proxy holds, Envoy's shape: per secret, the certificate chain it presents
 * (`cert_chain`) or the CAs it trusts (`ca_cert`), each with serial, SANs, validity and days until expiry;
 * plus the workload identity agent's state (renewals, next renewal). Private keys are never shown.
 */
import { X509Certificate } from 'node:crypto';
import type { DataSource } from '@tandem/api/envoy';
import { loadDataSource } from '../tls/data-source.ts';
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

const DAY_MS = 86_400_000;
const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export function certsHandler(target: AdminTarget): AdminResponse {
  const certificates = target.secrets.all().map(([name, stored]) => {
    const s = stored.secret;
    const entry: Record<string, unknown> = { secret: name, origin: stored.origin, version: stored.version };
    if (s.kind === 'tlsCertificate')
      entry['cert_chain'] = describeAll(s.tlsCertificate.certificateChain, name);
    else if (s.validationContext.trustedCa !== undefined)
      entry['ca_cert'] = describeAll(s.validationContext.trustedCa, name);
    return entry;
  });
  const body = { certificates, workload_identity: target.identity?.state() ?? null };
  return { status: 200, contentType: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` };
}

function describeAll(source: DataSource, name: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = loadDataSource(source, name).toString('latin1');
  } catch (err) {
    return [{ error: (err as Error).message }];
  }
  return (text.match(BLOCK) ?? []).map((pem) => describe(new X509Certificate(pem)));
}

function describe(cert: X509Certificate): Record<string, unknown> {
  const notAfter = Date.parse(cert.validTo);
  return {
    serial_number: cert.serialNumber.toLowerCase(),
    subject: (cert.subject ?? '').replace(/\n/g, ', '),
    subject_alt_names: (cert.subjectAltName ?? '')
      .split(', ')
      .filter((s) => s !== '')
      .map((s) => {
        const colon = s.indexOf(':');
        return { [s.slice(0, colon).toLowerCase().replace('ip address', 'ip_address')]: s.slice(colon + 1) };
      }),
    valid_from: new Date(Date.parse(cert.validFrom)).toISOString(),
    expiration_time: new Date(notAfter).toISOString(),
    days_until_expiration: Math.floor((notAfter - Date.now()) / DAY_MS),
  };
}
