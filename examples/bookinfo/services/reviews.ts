/**
 * reviews: two book reviews. v1 has no ratings; v2 asks ratings and shows black stars, v3 red
 * stars ($STAR_COLOR). GET /reviews/<id>.
 */
import { call, instance, json, serve } from './mesh.ts';

const version = process.env.VERSION ?? 'v1';
const withRatings = process.env.ENABLE_RATINGS === 'true';
const starColor = process.env.STAR_COLOR ?? 'black';
const ratingsUrl = process.env.RATINGS_URL ?? 'http://ratings:9080';

const TEXT = {
  Reviewer1: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
  Reviewer2:
    'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
};

serve(`reviews-${version}`, async (req, res, url) => {
  const m = /^\/reviews\/(\d+)$/.exec(url.pathname);
  if (m === null) return json(res, 400, { error: 'please provide a numeric product id' });
  const id = Number(m[1]);
  let ratings: Record<string, number> | undefined;
  let ratingsError: string | undefined;
  if (withRatings) {
    // Bookinfo's reviews waits up to 10 s for ratings (productpage gives up sooner).
    const r = await call(`${ratingsUrl}/ratings/${id}`, req.headers, 10_000);
    if (r.status === 200) ratings = (JSON.parse(r.body) as { ratings: Record<string, number> }).ratings;
    else ratingsError = 'Ratings service is currently unavailable';
  }
  json(res, 200, {
    id: String(id),
    podname: instance,
    version,
    reviews: Object.entries(TEXT).map(([reviewer, text]) => ({
      reviewer,
      text,
      ...(withRatings
        ? { rating: ratings ? { stars: ratings[reviewer] ?? 0, color: starColor } : { error: ratingsError } }
        : {}),
    })),
  });
});
