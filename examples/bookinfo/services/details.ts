/** details: the book's facts. GET /details/<id>. */
import { json, serve } from './mesh.ts';

serve('details', (_req, res, url) => {
  const m = /^\/details\/(\d+)$/.exec(url.pathname);
  if (m === null) return json(res, 404, { error: 'please provide a numeric product id' });
  json(res, 200, {
    id: Number(m[1]),
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  });
});
