/** ratings: star ratings per reviewer. GET /ratings/<id>. */
import { json, serve } from './mesh.ts';

serve('ratings', (_req, res, url) => {
  const m = /^\/ratings\/(\d+)$/.exec(url.pathname);
  if (m === null) return json(res, 400, { error: 'please provide a numeric product id' });
  json(res, 200, { id: Number(m[1]), ratings: { Reviewer1: 5, Reviewer2: 4 } });
});
