/**
 * The one place that registers Tandem's built-in extensions: network filters, HTTP filters and
 * load balancers. Core code looks them up by name and never imports them directly.
 */
import { CORS_POLICY_TYPE_URL, FAULT_TYPE_URL, LOCAL_RATE_LIMIT_TYPE_URL } from '@tandem/api/envoy';
import { compileCorsPolicy } from './filters/cors/compiled-cors-policy.ts';
import { corsFilter } from './filters/cors/cors-filter.ts';
import { compileFault, faultFilter } from './filters/fault/fault-filter.ts';
import {
  compileLocalRateLimit,
  localRateLimitFilter,
} from './filters/local-ratelimit/local-rate-limit-filter.ts';
import { registerHttpFilter } from './http/http-filter.ts';
import { registerPerRouteConfig } from './http/per-route-config.ts';
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
registerHttpFilter(faultFilter);
registerHttpFilter(localRateLimitFilter);
registerHttpFilter(corsFilter);
registerPerRouteConfig(FAULT_TYPE_URL, compileFault);
registerPerRouteConfig(LOCAL_RATE_LIMIT_TYPE_URL, compileLocalRateLimit);
registerPerRouteConfig(CORS_POLICY_TYPE_URL, compileCorsPolicy);
registerHttpFilter(rbacHttpFilter);
registerHttpFilter(jwtAuthnFilter);
registerConnectionFilter(rbacNetworkFilter);
registerBuiltinLoadBalancers();
