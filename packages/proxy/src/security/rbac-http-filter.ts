/**
 * `envoy.filters.http.rbac`: allows or denies each request by the compiled RBAC rules; a denied request
 * gets `403 RBAC: access denied` (as Envoy answers). Counts `rbac.allowed`, `rbac.denied` (and
 * `rbac.logged` for LOG rules) under the connection manager's stats.
 */
import { HTTP_RBAC_TYPE_URL, type RbacConfig } from '@tandem/api/envoy';
import type { HttpFilterFactory } from '../http/http-filter.ts';
import { RbacEngine } from './rbac-engine.ts';

export const rbacHttpFilter: HttpFilterFactory = {
  typeUrl: HTTP_RBAC_TYPE_URL,
  terminal: false,
  build(config, ctx) {
    const rbac = config as RbacConfig;
    const engine = new RbacEngine(rbac, 'http rbac filter');
    const scope = ctx.stats.scope(`${rbac.statPrefix}rbac.`);
    const allowed = scope.counter('allowed');
    const denied = scope.counter('denied');
    const logged = scope.counter('logged');
    const log = engine.action === 'LOG';
    return (next) => (stream) => {
      if (log && engine.matchingPolicy(stream.head, stream.conn, stream.dynamicMetadata) !== undefined)
        logged.inc();
      if (!engine.allows(stream.head, stream.conn, stream.dynamicMetadata)) {
        denied.inc();
        return stream.sendLocalReply(403, 'RBAC: access denied', 'RBAC');
      }
      allowed.inc();
      next(stream);
    };
  },
};
