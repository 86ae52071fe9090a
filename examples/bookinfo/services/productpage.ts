/**
 * productpage: the page people open. Calls details and reviews (which may call ratings) for
 * product 0 and renders them. Signing in (`/login`) sets a cookie whose user name travels to the
 * other services in the `end-user` header, the header Istio's routing samples match on.
 */
import type http from 'node:http';
import { type CallResult, call, instance, json, serve } from './mesh.ts';

const detailsUrl = process.env.DETAILS_URL ?? 'http://details:9080';
const reviewsUrl = process.env.REVIEWS_URL ?? 'http://reviews:9080';
const ratingsUrl = process.env.RATINGS_URL ?? 'http://ratings:9080';

const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml: "Wikipedia Summary: The Comedy of Errors is one of William Shakespeare's early plays.",
};

serve('productpage', async (req, res, url) => {
  const path = url.pathname;
  if (path === '/')
    return page(res, 200, '<h1>Bookinfo</h1><p><a href="/productpage">Open the product page</a></p>');
  if (path === '/login') return login(req, res, url);
  if (path === '/logout') {
    res.writeHead(302, { location: '/productpage', 'set-cookie': 'user=; Max-Age=0; Path=/' });
    return res.end();
  }
  if (path === '/productpage') return productPage(req, res);
  if (path === '/api/v1/products') return json(res, 200, [PRODUCT]);
  const api = /^\/api\/v1\/products\/(\d+)(\/reviews|\/ratings)?$/.exec(path);
  if (api !== null) {
    const headers = withUser(req);
    const target =
      api[2] === '/reviews'
        ? `${reviewsUrl}/reviews/${api[1]}`
        : api[2] === '/ratings'
          ? `${ratingsUrl}/ratings/${api[1]}`
          : `${detailsUrl}/details/${api[1]}`;
    const r = await call(target, headers, 3000);
    res.writeHead(r.status || 503, { 'content-type': 'application/json' });
    return res.end(r.body);
  }
  page(res, 404, '<h1>Not found</h1>');
});

function login(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const finish = (user: string) => {
    res.writeHead(302, {
      location: '/productpage',
      'set-cookie': `user=${encodeURIComponent(user)}; Path=/`,
    });
    res.end();
  };
  if (req.method === 'POST') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => finish(new URLSearchParams(body).get('username') ?? ''));
    return;
  }
  finish(url.searchParams.get('user') ?? '');
}

/** The incoming headers, plus `end-user` from the sign-in cookie. */
function withUser(req: http.IncomingMessage): http.IncomingHttpHeaders {
  const user = /(?:^|;\s*)user=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  return user ? { ...req.headers, 'end-user': decodeURIComponent(user) } : req.headers;
}

async function productPage(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const headers = withUser(req);
  const [details, reviews] = await Promise.all([
    call(`${detailsUrl}/details/${PRODUCT.id}`, headers, 3000),
    reviewsWithRetry(headers),
  ]);
  const user = headers['end-user'];
  page(
    res,
    200,
    `<h1>${PRODUCT.title}</h1>
<p>${user ? `Signed in as <b>${escapeHtml(String(user))}</b> (<a href="/logout">sign out</a>)` : '<form method="post" action="/login">User <input name="username"> <button>Sign in</button></form>'}</p>
<p>${PRODUCT.descriptionHtml}</p>
<h2>Book Details</h2>
${renderDetails(details)}
<h2>Book Reviews</h2>
${renderReviews(reviews)}
<p><small>productpage: ${instance}</small></p>`,
  );
}

/** Bookinfo's productpage tries reviews twice, 3 s each. */
async function reviewsWithRetry(headers: http.IncomingHttpHeaders): Promise<CallResult> {
  let r = await call(`${reviewsUrl}/reviews/${PRODUCT.id}`, headers, 3000);
  if (r.status !== 200) r = await call(`${reviewsUrl}/reviews/${PRODUCT.id}`, headers, 3000);
  return r;
}

function renderDetails(r: CallResult): string {
  if (r.status !== 200) return '<p class="error">Error fetching product details!</p>';
  const d = JSON.parse(r.body) as Record<string, string | number>;
  return `<dl>${Object.entries(d)
    .filter(([k]) => k !== 'id')
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`)
    .join('')}</dl>`;
}

interface Review {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

function renderReviews(r: CallResult): string {
  if (r.status !== 200) return '<p class="error">Error fetching product reviews!</p>';
  const body = JSON.parse(r.body) as { podname: string; reviews: Review[] };
  const items = body.reviews.map((rev) => {
    let stars = '';
    if (rev.rating?.error) stars = `<p class="error">${escapeHtml(rev.rating.error)}</p>`;
    else if (rev.rating?.stars !== undefined)
      stars = `<p><font color="${escapeHtml(rev.rating.color ?? 'black')}">${'★'.repeat(rev.rating.stars)}${'☆'.repeat(5 - rev.rating.stars)}</font></p>`;
    return `<blockquote><p>${escapeHtml(rev.text)}</p><small>${escapeHtml(rev.reviewer)}</small>${stars}</blockquote>`;
  });
  return `${items.join('\n')}\n<p>Reviews served by: <u>${escapeHtml(body.podname)}</u></p>`;
}

function page(res: http.ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Bookinfo</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
