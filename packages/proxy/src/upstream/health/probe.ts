/**
 * One active health check probe of one host: an HTTP/1.1 request whose status must fall in the
 * expected ranges, or a TCP connect (optionally sending a payload and expecting payloads back, in
 * order, not necessarily contiguous). The connection comes from the cluster's connection factory, so
 * a TLS cluster is checked over TLS. Each probe uses its own connection and closes it.
 */
import type net from 'node:net';
import type { HealthCheck } from '@tandem/api/envoy';
import type { ConnectionFactory } from '../connection-factory.ts';
import type { Host } from '../host.ts';

/** `healthy`; `unhealthy` (a wrong answer: for HTTP the host is down at once); `network` failure. */
export type ProbeOutcome = 'healthy' | 'unhealthy' | 'network';

const MAX_HEAD_BYTES = 16 * 1024;

export function runProbe(
  check: HealthCheck['check'],
  host: Host,
  connect: ConnectionFactory,
  defaultHostHeader: string,
  timeoutMs: number,
  done: (outcome: ProbeOutcome) => void,
): void {
  let socket: net.Socket | undefined;
  let settled = false;
  const finish = (outcome: ProbeOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket?.destroy();
    done(outcome);
  };
  const timer = setTimeout(() => finish('network'), timeoutMs);
  timer.unref();
  connect(
    host,
    (s) => {
      socket = s;
      if (settled) return void s.destroy();
      s.on('error', () => finish('network'));
      s.on('close', () => finish(check.kind === 'tcp' && check.receive.length === 0 ? 'healthy' : 'network'));
      if (check.kind === 'http') probeHttp(check, s, defaultHostHeader, finish);
      else probeTcp(check, s, finish);
    },
    () => finish('network'),
  );
}

function probeHttp(
  check: Extract<HealthCheck['check'], { kind: 'http' }>,
  s: net.Socket,
  defaultHost: string,
  finish: (o: ProbeOutcome) => void,
): void {
  const remove = new Set(check.requestHeadersToRemove.map((h) => h.toLowerCase()));
  let head = `${check.method} ${check.path} HTTP/1.1\r\nhost: ${check.host || defaultHost}\r\n`;
  if (!remove.has('user-agent')) head += 'user-agent: Envoy/HC\r\n';
  for (const h of check.requestHeadersToAdd) head += `${h.key}: ${h.value}\r\n`;
  head += 'connection: close\r\n\r\n';
  s.write(head, 'latin1');
  let seen = '';
  s.on('data', (d: Buffer) => {
    seen += d.toString('latin1');
    const eol = seen.indexOf('\r\n');
    if (eol < 0) {
      if (seen.length > MAX_HEAD_BYTES) finish('network');
      return;
    }
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(seen.slice(0, eol));
    if (m === null) return finish('network');
    const status = Number(m[1]);
    const ok = check.expectedStatuses.some((r) => status >= r.start && status < r.end);
    finish(ok ? 'healthy' : 'unhealthy');
  });
}

function probeTcp(
  check: Extract<HealthCheck['check'], { kind: 'tcp' }>,
  s: net.Socket,
  finish: (o: ProbeOutcome) => void,
): void {
  if (check.send !== undefined) s.write(check.send);
  if (check.receive.length === 0) return finish('healthy');
  let seen = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    seen = Buffer.concat([seen, d]);
    let from = 0;
    for (const want of check.receive) {
      const at = seen.indexOf(want, from);
      if (at < 0) {
        if (seen.length > MAX_HEAD_BYTES) finish('unhealthy');
        return;
      }
      from = at + want.length;
    }
    finish('healthy');
  });
}
