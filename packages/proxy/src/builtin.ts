/**
 * The one place that registers Tandem's built-in extensions: network filters, HTTP filters and
 * load balancers. Core code looks them up by name and never imports them directly.
 */
import { registerHttpFilter } from './http/http-filter.ts';
import { httpConnectionManagerFilter } from './network/hcm-filter.ts';
import { registerConnectionFilter, registerNetworkFilter } from './network/network-filter.ts';
import { tcpProxyFilter } from './network/tcp-proxy.ts';
import { routerFilter } from './router/router-filter.ts';
import { jwtAuthnFilter } from './security/jwt-authn-filter.ts';
import { rbacHttpFilter } from './security/rbac-http-filter.ts';
import { rbacNetworkFilter } from './security/rbac-network-filter.ts';
import { registerBuiltinLoadBalancers } from './upstream/lb/builtin.ts';

registerNetworkFilter(httpConnectionManagerFilter);
registerNetworkFilter(tcpProxyFilter);
registerHttpFilter(routerFilter);
registerHttpFilter(rbacHttpFilter);
registerHttpFilter(jwtAuthnFilter);
registerConnectionFilter(rbacNetworkFilter);
registerBuiltinLoadBalancers();
