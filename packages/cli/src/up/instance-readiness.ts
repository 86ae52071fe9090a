/**
 * When a `tandem up` instance is ready, asked from outside it: explicit mode probes the sidecar's
 * admin API and the application's ports on loopback; a pod is asked on its health port (15021),
 * and its application's sockets are read from the pod's /proc/<pid>/net/tcp, since a connection
 * to the pod's port would be captured by the sidecar whether or not the application listens.
 */
import http from 'node:http';
import net from 'node:net';
import { POD_HEALTH_PORT } from '../local/workload-spec.ts';
import { listeningPorts } from './listening-ports.ts';

export interface ProbedInstance {
  /** The pod's IP (transparent mode), else undefined: the instance is on this host's loopback. */
  podIp: string | undefined;
  adminPort: number;
  appPorts: readonly { targetPort: number }[];
  /** The instance's process (in its pod when there is one). */
  pid: number | undefined;
}

/** Ready: the sidecar says so, and the application listens on each of its ports. */
export async function isInstanceReady(i: ProbedInstance): Promise<boolean> {
  if (i.podIp !== undefined) {
    // In a pod: the sidecar's health port, and the application's sockets as the pod sees them.
    if ((await httpStatus(POD_HEALTH_PORT, '/healthz/ready', 1000, i.podIp)) !== 200) return false;
    const listening = i.pid === undefined ? new Set<number>() : listeningPorts(i.pid);
    return i.appPorts.every((p) => listening.has(p.targetPort));
  }
  if ((await httpStatus(i.adminPort, '/ready')) !== 200) return false;
  for (const p of i.appPorts) if (!(await canConnect(p.targetPort))) return false;
  return true;
}

/** GET http://host:port/path -> status, or 0 when it cannot be asked. */
export function httpStatus(
  port: number,
  urlPath: string,
  timeoutMs = 1000,
  host = '127.0.0.1',
): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
