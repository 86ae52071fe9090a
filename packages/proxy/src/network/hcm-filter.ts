/** Registers the HTTP connection manager as a network filter. */
import type { HttpConnectionManager } from '@tandem/api/envoy';
import { HcmRuntime } from '../http/hcm/hcm-runtime.ts';
import type { NetworkFilterFactory } from './network-filter.ts';

export const httpConnectionManagerFilter: NetworkFilterFactory<HttpConnectionManager> = {
  kind: 'http_connection_manager',
  build(config, ctx) {
    const hcm = new HcmRuntime(config, ctx);
    return {
      onConnection: (socket, info, alpn) => hcm.handleConnection(socket, info, alpn),
      drain: () => hcm.drain(),
    };
  },
};
