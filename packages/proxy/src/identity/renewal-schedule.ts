/**
 * When to renew a certificate: at `fraction` of its lifetime, moved by up to `jitter` of the lifetime either
 * way so that workloads that started together do not all renew at once; never before now, never after
 * 90 % of the lifetime.
 *
 * @example
 * renewalDelayMs({ notBeforeMs: 0, notAfterMs: 1000 }, 0, { fraction: 0.5, jitter: 0.1, random: () => 0.5 }); // 500
 */
export function renewalDelayMs(
  validity: { readonly notBeforeMs: number; readonly notAfterMs: number },
  nowMs: number,
  options: { readonly fraction: number; readonly jitter: number; readonly random: () => number },
): number {
  const lifetime = Math.max(0, validity.notAfterMs - validity.notBeforeMs);
  const offset = (options.random() * 2 - 1) * options.jitter * lifetime;
  const latest = validity.notBeforeMs + 0.9 * lifetime;
  const at = Math.min(validity.notBeforeMs + options.fraction * lifetime + offset, latest);
  return Math.max(0, at - nowMs);
}
