/**
 * `envoy.filters.network.rbac`: checks each connection once (after TLS, so the peer's identity is known)
 * against the compiled RBAC rules; a denied connection is closed. HTTP-only rules (headers, paths) never
 * match a connection.
 */
import type { RbacConfig } from '@tandem/api/envoy';
import type { ConnectionFilterFactory } from '../network/network-filter.ts';
import { RbacEngine } from './rbac-engine.ts';

export const rbacNetworkFilter: ConnectionFilterFactory = {
  kind: 'rbac',
  build(config) {
    const engine = new RbacEngine(config as RbacConfig, 'network rbac filter');
    return (info) => engine.allows(undefined, info, undefined);
  },
};
