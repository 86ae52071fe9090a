/** The debug API's handlers, reading from a running control plane. */
import type { ControlPlane } from '../control-plane.ts';
import { type DebugHandler, json } from './debug-server.ts';
import { proxySync } from './sync-status.ts';

export function buildDebugHandlers(cp: ControlPlane): DebugHandler[] {
  return [
    {
      path: '/ready',
      help: '200 once the config directory has been loaded',
      handle: () => ({
        status: cp.ready ? 200 : 503,
        contentType: 'text/plain',
        body: cp.ready ? 'ready\n' : 'loading\n',
      }),
    },
    {
      path: '/metrics',
      help: 'Prometheus metrics (pilot_*)',
      handle: async () => ({
        status: 200,
        contentType: cp.metrics.registry.contentType,
        body: await cp.metrics.registry.metrics(),
      }),
    },
    {
      path: '/debug/syncz',
      help: 'every connected proxy: per type what was sent, acknowledged or rejected (SYNCED/STALE/NACKED)',
      handle: () => json(cp.ads.getStatus().connections.map(proxySync)),
    },
    {
      path: '/debug/rejections',
      help: 'config objects refused by validation (the previous valid version, if any, stays applied)',
      handle: () => json({ rejections: cp.store.currentRejections(), notices: cp.store.currentNotices() }),
    },
    {
      path: '/debug/connections',
      help: 'connected proxies: id, kind, namespace, labels, connected since, translation notes',
      handle: () =>
        json(
          cp.connectedProxies().map((p) => ({
            id: p.key,
            kind: p.info.kind,
            namespace: p.info.namespace,
            labels: p.info.labels,
            connectedAt: new Date(p.connectedAt).toISOString(),
            notes: p.notes,
          })),
        ),
    },
    {
      path: '/debug/nacks',
      help: 'the last config each proxy rejected (NACK), per type, with its error',
      handle: () =>
        json(
          cp.ads
            .getStatus()
            .connections.flatMap((c) =>
              c.types
                .filter((t) => t.lastNack !== null)
                .map((t) => ({ proxy: c.nodeKey ?? c.nodeId, typeUrl: t.typeUrl, ...t.lastNack })),
            ),
        ),
    },
    {
      path: '/debug/configz',
      help: 'the applied config objects',
      handle: () => json({ version: cp.store.version, objects: cp.store.list() }),
    },
    {
      path: '/debug/registryz',
      help: 'services known to the control plane, with endpoints',
      handle: () => json([...cp.meshSnapshot.services.values()]),
    },
    {
      path: '/debug/ca/root-cert',
      help: 'the trust bundle (PEM root certificates) when the CA runs',
      handle: () => {
        const roots = cp.security?.rootsPem ?? [];
        if (roots.length === 0)
          return { status: 404, contentType: 'text/plain', body: 'the control plane runs no CA\n' };
        return { status: 200, contentType: 'application/x-pem-file', body: roots.join('') };
      },
    },
    {
      path: '/debug/config_dump',
      help: 'the resources generated for one proxy (?proxyID=ID), with translation notes',
      handle: (q) => {
        const id = q.get('proxyID') ?? '';
        const p = cp.connectedProxies().find((x) => x.key === id || x.info.id === id);
        if (p === undefined) return json({ error: `no connected proxy "${id}"` }, 404);
        const r = p.resources;
        return json({
          proxy: p.info,
          version: cp.meshSnapshot.version,
          notes: p.notes,
          listeners: r ? [...r.listeners.values()] : [],
          routes: r ? [...r.routes.values()] : [],
          clusters: r ? [...r.clusters.values()] : [],
          endpoints: r ? [...r.endpoints.values()] : [],
        });
      },
    },
  ];
}
