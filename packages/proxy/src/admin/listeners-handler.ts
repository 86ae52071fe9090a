/** `/listeners`: `name::address:port` lines, or JSON with `?format=json`. */
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

export function listenersHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  const list = t.listeners();
  if (q.get('format') === 'json') {
    const body = {
      listener_statuses: list.map((l) => ({
        name: l.name,
        local_address: { socket_address: { address: l.address, port_value: l.port } },
      })),
    };
    return { status: 200, contentType: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` };
  }
  return {
    status: 200,
    contentType: 'text/plain',
    body: list.map((l) => `${l.name}::${l.address}:${l.port}\n`).join(''),
  };
}
