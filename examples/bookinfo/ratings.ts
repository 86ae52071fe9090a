/**
 * Bookinfo's ratings service, Tandem's own version: `GET /ratings/<id>` answers the star ratings of
 * the two reviewers, `POST /ratings/<id>` with a JSON body (`{"Reviewer1": 5, "Reviewer2": 3}`) sets
 * them in memory, as Istio's ratings v1 does, and `GET /health` says it is healthy. Run it with
 * `node --import tsx examples/bookinfo/ratings.ts [port] [version]` (or PORT, SERVICE_VERSION; port
 * 9080 and v1 by default). FAIL_STATUS=500 makes an instance answer every rating with that status
 * (a broken replica, for outlier detection demos); INSTANCE_NAME names it in `x-served-by`.
 */
import http from 'node:http';
import { instanceFromEnv, json, listen, type RunningService, runWhenMain } from './service-kit.ts';

export interface RatingsOptions {
  port: number;
  version: string;
  host?: string;
  instance?: string;
  /**
   * Answer ratings requests with this status instead (0: healthy). Read per request, so a caller
   * that keeps the options object can break and heal the running service.
   */
  failStatus?: number;
  log?: (line: string) => void;
}

const DEFAULT_RATINGS: Readonly<Record<string, number>> = { Reviewer1: 5, Reviewer2: 4 };

export function startRatings(opts: RatingsOptions): Promise<RunningService> {
  const instance = opts.instance ?? `ratings-${opts.version}`;
  const log = opts.log ?? ((line: string) => console.log(line));
  const stored = new Map<number, Record<string, number>>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    log(
      `${instance} ${req.method} ${path} host=${req.headers.host ?? ''} user=${req.headers['end-user'] ?? ''}`,
    );
    res.setHeader('x-served-by', instance);
    const m = /^\/ratings\/(\d+)$/.exec(path);
    if (path === '/health') return json(res, 200, { status: 'Ratings is healthy' });
    if (m === null) return json(res, 404, { error: 'please provide numeric product ID' });
    const id = Number(m[1]);
    if (req.method === 'POST') return readBody(req, (body) => post(res, id, body));
    if (opts.failStatus) return json(res, opts.failStatus, { error: 'ratings failing on purpose' });
    json(res, 200, { id, ratings: stored.get(id) ?? DEFAULT_RATINGS });
  });
  /** Answers a POST once its whole body has arrived. */
  const post = (res: http.ServerResponse, id: number, body: string): void => {
    if (opts.failStatus) return json(res, opts.failStatus, { error: 'ratings failing on purpose' });
    const ratings = parseRatings(body);
    if (ratings === undefined) return json(res, 400, { error: 'please provide valid ratings JSON' });
    stored.set(id, ratings);
    json(res, 200, { id, ratings });
  };
  return listen(server, opts.port, opts.host);
}

function readBody(req: http.IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

/** The reviewers' star counts of a POST body, or undefined when it is not such an object. */
function parseRatings(body: string): Record<string, number> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value))
    if (/^Reviewer\d+$/.test(k) && typeof v === 'number') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

runWhenMain(
  import.meta.url,
  () =>
    startRatings({
      port: Number(process.argv[2] ?? process.env.PORT ?? 9080),
      version: process.argv[3] ?? process.env.SERVICE_VERSION ?? 'v1',
      failStatus: Number(process.env.FAIL_STATUS ?? 0),
      instance: instanceFromEnv(),
    }),
  'ratings',
);
