/**
 * Reads the proxy's admin API over real HTTP (as an operator would) and waits on conditions by
 * polling with a deadline, so tests never race fixed sleeps.
 */
import http from 'node:http';

export interface AdminReply {
  status: number;
  body: string;
}

/** GET (or POST) one admin path, e.g. `/stats?filter=cluster`. */
export function adminRequest(adminPort: number, path: string, method = 'GET'): Promise<AdminReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: adminPort, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every stat (counters and gauges) from `/stats`, by name. */
export async function readStats(adminPort: number): Promise<Map<string, number>> {
  const r = await adminRequest(adminPort, '/stats');
  const out = new Map<string, number>();
  for (const line of r.body.split('\n')) {
    const i = line.lastIndexOf(': ');
    if (i > 0) out.set(line.slice(0, i), Number(line.slice(i + 2)));
  }
  return out;
}

/** One stat's value (0 when the stat does not exist yet). */
export async function stat(adminPort: number, name: string): Promise<number> {
  return (await readStats(adminPort)).get(name) ?? 0;
}

/**
 * Polls `check` every `intervalMs` until it returns true; fails with `what` after `timeoutMs`.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}

/** Waits until the stat `name` satisfies `ok` (e.g. `(v) => v >= 1`); returns its value. */
export async function waitForStat(
  adminPort: number,
  name: string,
  ok: (value: number) => boolean,
  timeoutMs = 5000,
): Promise<number> {
  let last = 0;
  await waitFor(name, async () => ok((last = await stat(adminPort, name))), {
    timeoutMs,
    intervalMs: 20,
  }).catch((err: Error) => {
    throw new Error(`${err.message}; last value ${last}`);
  });
  return last;
}

/**
 * Bounds for a count of successes in `n` Bernoulli trials with probability `p`: the mean plus or
 * minus `sigmas` binomial standard deviations.
 */
export function binomialBounds(n: number, p: number, sigmas = 4): { lo: number; hi: number } {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return { lo: mean - sigmas * sd, hi: mean + sigmas * sd };
}
