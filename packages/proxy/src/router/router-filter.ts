/**
 * `envoy.filters.http.router`: the terminal HTTP filter. It matches the route, answers redirects
 * and direct responses itself, and forwards everything else upstream through an
 * `UpstreamExchange`.
 */

import { HeaderMap } from '../http/header-map.ts';
import type { HttpFilterFactory, HttpHandler } from '../http/http-filter.ts';
import type { HttpStream } from '../http/http-stream.ts';
import { applyResponseHeaderMutations } from './apply-header-mutations.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import type { CompiledRoute } from './route-entry.ts';
import { UpstreamExchange } from './upstream-exchange.ts';

export const ROUTER_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

export const routerFilter: HttpFilterFactory = {
  typeUrl: ROUTER_TYPE_URL,
  terminal: true,
  build: () => () => routeRequest,
};

const routeRequest: HttpHandler = (stream) => {
  const route = stream.route();
  if (route === undefined) {
    stream.hcm.stats.noRoute.inc();
    return stream.sendLocalReply(404, '', 'NR');
  }
  const action = route.action;
  switch (action.kind) {
    case 'route':
      return new UpstreamExchange(stream, route, action).start();
    case 'redirect': {
      stream.hcm.stats.rqRedirect.inc();
      const headers = new HeaderMap(['location', action.buildLocation(stream.head)]);
      applyResponseHeaderMutations(route, headers, localContext(stream));
      return stream.sendLocalReply(action.responseCode, '', '', headers);
    }
    case 'directResponse': {
      stream.hcm.stats.rqDirectResponse.inc();
      return sendDirectResponse(stream, route, action);
    }
  }
};

function sendDirectResponse(
  stream: HttpStream,
  route: CompiledRoute,
  action: Extract<CompiledRoute['action'], { kind: 'directResponse' }>,
): void {
  const headers = new HeaderMap();
  if (action.addsLocation) headers.add('location', action.buildLocation(stream.head));
  const body = action.body;
  if (body !== undefined) {
    headers.add('content-type', action.contentType ?? 'text/plain');
    headers.add('content-length', String(body.byteLength));
  } else {
    headers.add('content-length', '0');
  }
  applyResponseHeaderMutations(route, headers, localContext(stream));
  if (body === undefined || stream.head.method === 'HEAD')
    return stream.encodeHeaders(action.status, headers, true);
  stream.encodeHeaders(action.status, headers, false);
  stream.encodeData(Buffer.from(body.buffer, body.byteOffset, body.byteLength), true);
}

function localContext(stream: HttpStream): HeaderFormatContext {
  return {
    request: stream.head,
    connection: stream.conn,
    startTimeMs: stream.startWallMs,
    upstreamHost: undefined,
    cluster: undefined,
  };
}
