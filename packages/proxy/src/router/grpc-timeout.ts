/**
 * The `grpc-timeout` request header (gRPC over HTTP/2): up to 8 ASCII digits and a unit, `H`
 * hours, `M` minutes, `S` seconds, `m` milliseconds, `u` microseconds, `n` nanoseconds.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** The timeout in whole milliseconds (at least 1 for a non-zero value), or undefined if malformed. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value.length < 2 || value.length > 9) return undefined;
  const unit = UNIT_MS[value[value.length - 1]!];
  const digits = value.slice(0, -1);
  if (unit === undefined || !/^\d+$/.test(digits)) return undefined;
  const ms = Number(digits) * unit;
  return ms === 0 ? 0 : Math.max(1, Math.ceil(ms));
}

/** Whether a request is gRPC (content-type application/grpc, with or without a suffix). */
export function isGrpcRequest(contentType: string | undefined): boolean {
  return contentType?.startsWith('application/grpc') === true;
}
