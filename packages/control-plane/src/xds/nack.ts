import type { WireStatus } from '@tandem/xds-proto';
import type { NackStatus } from './connection-status.ts';

/**
 * The NACK a request carries, or null for an ACK. A request is a NACK when `error_detail` is set with a
 * non-OK code or a message (gRPC clients send UNAVAILABLE with the reason).
 */
export function nackFrom(
  detail: WireStatus | null | undefined,
  version: string,
  nonce: string,
  at: string,
): NackStatus | null {
  if (detail === null || detail === undefined) return null;
  const code = Number(detail.code ?? 0);
  const message = detail.message ?? '';
  if (code === 0 && message === '') return null;
  return { version, nonce, code, message, at };
}
