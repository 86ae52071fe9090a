/**
 * The one place that registers Tandem's built-in extensions: network filters, HTTP filters and
 * load balancers. Core code looks them up by name and never imports them directly.
 */
import { registerHttpFilter } from './http/http-filter.ts';
import { httpConnectionManagerFilter } from './network/hcm-filter.ts';
import { registerNetworkFilter } from './network/network-filter.ts';
import { tcpProxyFilter } from './network/tcp-proxy.ts';
import { routerFilter } from './router/router-filter.ts';
import { registerBuiltinLoadBalancers } from './upstream/lb/builtin.ts';

registerNetworkFilter(httpConnectionManagerFilter);
registerNetworkFilter(tcpProxyFilter);
registerHttpFilter(routerFilter);
registerBuiltinLoadBalancers();
