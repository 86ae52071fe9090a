import { formatIp, parseIp } from '../listener/ip-address.ts';

export type SanType = 'DNS' | 'URI' | 'EMAIL' | 'IP_ADDRESS' | 'OTHER';

export interface SubjectAltName {
  readonly type: SanType;
  /** The value as Envoy renders it; IP addresses in inet_ntop form (`::1`, not `0:0:0:0:0:0:0:1`). */
  readonly value: string;
}

const TYPES: Record<string, SanType> = {
  DNS: 'DNS',
  URI: 'URI',
  email: 'EMAIL',
  'IP Address': 'IP_ADDRESS',
};

/**
 * Parses Node's `subjectAltName` string (X509Certificate.subjectAltName, or PeerCertificate
 * .subjectaltname): `DNS:a.example, URI:spiffe://td/ns/x/sa/y, IP Address:10.0.0.1, email:a@b`.
 * Values Node had to escape are JSON strings (`DNS:"a\u002cb"`). Unknown types become OTHER.
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  if (!text) return out;
  let pos = 0;
  while (pos < text.length) {
    const colon = text.indexOf(':', pos);
    if (colon < 0) break;
    const type = TYPES[text.slice(pos, colon)] ?? 'OTHER';
    const [raw, next] = readValue(text, colon + 1);
    out.push({ type, value: type === 'IP_ADDRESS' ? normalizeIp(raw) : raw });
    pos = next;
  }
  return out;
}

/** The first URI SAN (a workload's SPIFFE ID) of a `subjectAltName` string, or ''. */
export function firstUriSan(text: string | undefined): string {
  for (const s of parseSubjectAltNames(text)) if (s.type === 'URI') return s.value;
  return '';
}

/** Reads one value starting at `start`; returns it and the index of the next entry. */
function readValue(text: string, start: number): [string, number] {
  if (text[start] === '"') {
    let end = start + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    const quoted = text.slice(start, end + 1);
    let value: string;
    try {
      value = JSON.parse(quoted) as string;
    } catch {
      value = quoted;
    }
    return [value, skipSeparator(text, end + 1)];
  }
  const comma = text.indexOf(', ', start);
  const end = comma < 0 ? text.length : comma;
  return [text.slice(start, end), skipSeparator(text, end)];
}

function skipSeparator(text: string, pos: number): number {
  return text.startsWith(', ', pos) ? pos + 2 : text.length > pos ? pos + 1 : pos;
}

function normalizeIp(value: string): string {
  const bytes = parseIp(value);
  return bytes ? formatIp(bytes) : value;
}
