/**
 * The TCP ports something listens on in a process's network namespace, from /proc/<pid>/net/tcp
 * and tcp6 (each process sees its own namespace's sockets there). `tandem up --transparent` uses
 * it to tell when an application in a pod is listening: probing the pod's port from outside would
 * reach the sidecar's capture port, which accepts whether or not the application is up.
 */
import { readFileSync } from 'node:fs';

const LISTEN = '0A';

export function listeningPorts(pid: number): Set<number> {
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const port of parseListening(text)) ports.add(port);
  }
  return ports;
}

/** Local ports of the LISTEN rows of a /proc/net/tcp table (`  0: 0100007F:2378 00000000:0000 0A ...`). */
export function parseListening(table: string): number[] {
  const ports: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] !== LISTEN) continue;
    const port = Number.parseInt(cols[1]?.split(':').pop() ?? '', 16);
    if (Number.isInteger(port)) ports.push(port);
  }
  return ports;
}
