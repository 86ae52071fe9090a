/**
 * Bookinfo's reviews service, Tandem's own version: `GET /reviews/<id>` answers two reviews. v1 shows
 * no ratings; v2 asks the ratings service and shows black stars; v3 shows red stars. Calls to
 * ratings carry the caller's `end-user` and trace headers (so header routing works downstream), go
 * through the sidecar's HTTP proxy when HTTP_PROXY is set, and give up after 10 s (v2, v3), as in
 * Istio's bookinfo. Run it with `node --import tsx examples/bookinfo/reviews.ts [port] [version]` (or
 * PORT, SERVICE_VERSION; RATINGS_HOSTNAME and RATINGS_SERVICE_PORT say where ratings is).
 */
import http from 'node:http';
import {
  forwarded,
  get,
  httpProxyFromEnv,
  instanceFromEnv,
  json,
  listen,
  type RunningService,
  runWhenMain,
} from './service-kit.ts';

export interface ReviewsOptions {
  port: number;
  version: string;
  host?: string;
  instance?: string;
  /** `host:port` of ratings as the mesh names it (default `ratings:9080`). */
  ratings?: string;
  /** `host:port` of the sidecar's HTTP proxy listener, or undefined to connect directly. */
  httpProxy?: string;
  ratingsTimeoutMs?: number;
  log?: (line: string) => void;
}

const COLORS: Record<string, string> = { v2: 'black', v3: 'red' };

export function startReviews(opts: ReviewsOptions): Promise<RunningService> {
  const instance = opts.instance ?? `reviews-${opts.version}`;
  const log = opts.log ?? ((line: string) => console.log(line));
  const color = COLORS[opts.version];
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    log(
      `${instance} ${req.method} ${path} host=${req.headers.host ?? ''} user=${req.headers['end-user'] ?? ''}`,
    );
    res.setHeader('x-served-by', instance);
    if (path === '/health') return json(res, 200, { status: 'Reviews is healthy' });
    const m = /^\/reviews\/(\d+)$/.exec(path);
    if (m === null) return json(res, 404, { error: 'unknown path' });
    const id = Number(m[1]);
    const reviews = [
      {
        reviewer: 'Reviewer1',
        text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
      },
      {
        reviewer: 'Reviewer2',
        text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
      },
    ];
    if (color === undefined) return json(res, 200, { id, podname: instance, clustername: 'null', reviews });
    const target = opts.ratings ?? 'ratings:9080';
    const answer = await get(
      `http://${target}/ratings/${id}`,
      forwarded(req),
      opts.httpProxy,
      opts.ratingsTimeoutMs ?? 10_000,
    );
    const ratings =
      answer?.status === 200
        ? (JSON.parse(answer.body) as { ratings: Record<string, number> }).ratings
        : undefined;
    json(res, 200, {
      id,
      podname: instance,
      clustername: 'null',
      reviews: reviews.map((r) => ({
        ...r,
        rating:
          ratings === undefined
            ? { error: 'Ratings service is currently unavailable' }
            : { stars: ratings[r.reviewer] ?? 0, color },
      })),
    });
  });
  return listen(server, opts.port, opts.host);
}

runWhenMain(
  import.meta.url,
  () =>
    startReviews({
      port: Number(process.argv[2] ?? process.env.PORT ?? 9080),
      version: process.argv[3] ?? process.env.SERVICE_VERSION ?? 'v1',
      ratings: `${process.env.RATINGS_HOSTNAME ?? 'ratings'}:${process.env.RATINGS_SERVICE_PORT ?? 9080}`,
      httpProxy: httpProxyFromEnv(),
      instance: instanceFromEnv(),
    }),
  'reviews',
);
