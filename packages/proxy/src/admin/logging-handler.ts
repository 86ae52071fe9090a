/** `/logging`: with no query, lists the loggers; `?level=L` sets all, `?<logger>=L` sets one (POST). */
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

export function loggingHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  for (const [key, value] of q) {
    const error = t.logLevels.set(key === 'level' ? undefined : key, value);
    if (error !== undefined) return { status: 400, contentType: 'text/plain', body: `${error}\n` };
  }
  return { status: 200, contentType: 'text/plain', body: `active loggers:\n${t.logLevels.describe()}` };
}
