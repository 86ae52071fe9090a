/**
 * x-forwarded-client-cert, Envoy's way: on a mutual TLS connection the proxy appends (APPEND_FORWARD) or
 * sets (SANITIZE_SET) an element describing the client certificate: `By=<our URI SAN>;Hash=<SHA-256 of the
 * client certificate>` then, as configured, `Subject="..."`, `URI=...`, `DNS=...`. Without a client
 * certificate the header is removed, except FORWARD_ONLY / ALWAYS_FORWARD_ONLY keep it as sent. SANITIZE (the
 * default) always removes it. The element is built once per connection.
 */
import type { HttpConnectionManager } from '@tandem/api/envoy';
import type { HeaderMap } from './header-map.ts';
import type { DownstreamConnectionInfo } from './request-head.ts';

const XFCC = 'x-forwarded-client-cert';

export type XfccRule = (headers: HeaderMap, conn: DownstreamConnectionInfo) => void;

export function compileXfcc(config: HttpConnectionManager): XfccRule {
  const details = config.setCurrentClientCertDetails ?? {
    subject: false,
    cert: false,
    chain: false,
    dns: false,
    uri: false,
  };
  switch (config.forwardClientCertDetails ?? 'SANITIZE') {
    case 'ALWAYS_FORWARD_ONLY':
      return noop;
    case 'FORWARD_ONLY':
      return (h, conn) => {
        if ((conn.peerPrincipal ?? '') === '' && conn.tlsSocket?.getPeerX509Certificate() === undefined)
          h.remove(XFCC);
      };
    case 'APPEND_FORWARD':
      return (h, conn) => {
        const element = elementOf(conn, details);
        if (element === undefined) return void h.remove(XFCC);
        const existing = h.get(XFCC);
        h.set(XFCC, existing === undefined ? element : `${existing},${element}`);
      };
    case 'SANITIZE_SET':
      return (h, conn) => {
        const element = elementOf(conn, details);
        if (element === undefined) h.remove(XFCC);
        else h.set(XFCC, element);
      };
    default:
      return (h) => void h.remove(XFCC);
  }
}

function elementOf(
  conn: DownstreamConnectionInfo,
  details: NonNullable<HttpConnectionManager['setCurrentClientCertDetails']>,
): string | undefined {
  if (conn.xfccElement !== undefined) return conn.xfccElement;
  const socket = conn.tlsSocket;
  const peer = socket?.getPeerX509Certificate();
  if (socket === undefined || peer === undefined) return undefined;
  const parts: string[] = [];
  const by = uriSans(socket.getX509Certificate()?.subjectAltName)[0];
  if (by !== undefined) parts.push(`By=${by}`);
  parts.push(`Hash=${peer.fingerprint256.replace(/:/g, '').toLowerCase()}`);
  if (details.cert) parts.push(`Cert="${encodeURIComponent(peer.toString())}"`);
  if (details.subject) parts.push(`Subject="${(peer.subject ?? '').split('\n').reverse().join(',')}"`);
  if (details.uri) for (const u of uriSans(peer.subjectAltName)) parts.push(`URI=${u}`);
  if (details.dns) for (const d of dnsSans(peer.subjectAltName)) parts.push(`DNS=${d}`);
  conn.xfccElement = parts.join(';');
  return conn.xfccElement;
}

function uriSans(text: string | undefined): string[] {
  return (text ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
}

function dnsSans(text: string | undefined): string[] {
  return (text ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

function noop(): void {}
