import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { SanMatcher } from '@tandem/api/envoy';
import { compileStringMatcher } from './string-matcher.ts';
import { parseSubjectAltNames, type SanType, type SubjectAltName } from './subject-alt-names.ts';

/** A compiled list of SAN matchers: true when any SAN of the certificate matches any matcher. */
export type CompiledSanMatchers = (sans: readonly SubjectAltName[]) => boolean;

/** The SAN types an untyped (legacy `match_subject_alt_names`) matcher applies to, as in Envoy. */
const ANY_TYPES: readonly SanType[] = ['DNS', 'URI', 'EMAIL', 'IP_ADDRESS'];

type SingleMatcher = (san: SubjectAltName) => boolean;

/**
 * Compiles SAN matchers once. Semantics follow Envoy's default certificate validator: "any"
 * over matchers and SANs; a matcher only sees SANs of its type; `ANY` stands for DNS, URI,
 * EMAIL and IP_ADDRESS; for DNS with an `exact` matcher, DNS matching rules apply (case-
 * insensitive, and a certificate SAN `*.example.com` matches `api.example.com`).
 * Throws a plain Error (invalid regex); callers add the config field.
 */
export function compileSanMatchers(matchers: readonly SanMatcher[]): CompiledSanMatchers {
  const compiled: SingleMatcher[] = [];
  for (const m of matchers) {
    const types = m.sanType === 'ANY' ? ANY_TYPES : [m.sanType];
    for (const type of types) compiled.push(compileOne(type, m));
  }
  return (sans) => compiled.some((matches) => sans.some(matches));
}

function compileOne(type: SanType, m: SanMatcher): SingleMatcher {
  if (type === 'DNS' && m.matcher.kind === 'exact') {
    const name = m.matcher.value;
    return (san) => san.type === 'DNS' && dnsNameMatch(name, san.value);
  }
  const matches = compileStringMatcher(m.matcher);
  return (san) => san.type === type && matches(san.value);
}

/**
 * Does the certificate SAN `pattern` cover `dnsName`? Case-insensitive; a wildcard is allowed
 * only in the left-most label of the pattern (not in an A-label `xn--`), matches within that one
 * label, and the rest must be equal: `*.example.com` and `api*.example.com` match
 * `api.example.com`; `*.example.com` does not match `a.b.example.com` or `example.com`.
 */
export function dnsNameMatch(dnsName: string, pattern: string): boolean {
  const name = dnsName.toLowerCase();
  const pat = pattern.toLowerCase();
  if (name === pat) return true;
  const patDot = pat.indexOf('.');
  const nameDot = name.indexOf('.');
  if (patDot < 0 || nameDot < 0) return false;
  const patLabel = pat.slice(0, patDot);
  const patRest = pat.slice(patDot + 1);
  if (!patLabel.includes('*') || patRest.includes('*') || patLabel.startsWith('xn--')) return false;
  return name.slice(nameDot + 1) === patRest && labelWildcardMatch(name.slice(0, nameDot), patLabel);
}

function labelWildcardMatch(label: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const star = pattern.indexOf('*');
  if (pattern.indexOf('*', star + 1) >= 0) return false;
  const before = pattern.slice(0, star);
  const after = pattern.slice(star + 1);
  return pattern.length <= label.length + 1 && label.startsWith(before) && label.endsWith(after);
}

/**
 * Checks a peer certificate's SANs against SAN matchers (Envoy semantics, see compileSanMatchers).
 * An empty matcher list accepts any certificate. For repeated checks, compile once with
 * compileSanMatchers instead.
 *
 * @example
 * const ok = verifyPeerSan(socket.getPeerX509Certificate()!, [
 *   { sanType: 'URI', matcher: { kind: 'exact', value: 'spiffe://cluster.local/ns/default/sa/foo', ignoreCase: false } },
 * ]);
 */
export function verifyPeerSan(
  cert: PeerCertificate | X509Certificate,
  matchers: readonly SanMatcher[],
): boolean {
  if (matchers.length === 0) return true;
  return compileSanMatchers(matchers)(certificateSans(cert));
}

/** The parsed SANs of a certificate in either of Node's representations. */
export function certificateSans(cert: PeerCertificate | X509Certificate): SubjectAltName[] {
  const text = cert instanceof X509Certificate ? cert.subjectAltName : cert.subjectaltname;
  return parseSubjectAltNames(text);
}
