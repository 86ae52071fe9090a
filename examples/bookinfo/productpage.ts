/**
 * Bookinfo's product page, Tandem's own version: `GET /productpage` renders the book with its details
 * and reviews, fetched from the details and reviews services (3 s timeout each; reviews are tried
 * twice, as Istio's productpage does). The signed-in user (`end-user` header, or the `user` cookie
 * set by `POST /login`) and the trace headers go along, so routing by user works downstream. Also
 * `GET /api/v1/products/<id>[/reviews|/ratings]` and `GET /health`. Run it with
 * `node --import tsx examples/bookinfo/productpage.ts [port]` (or PORT; DETAILS_HOSTNAME,
 * REVIEWS_HOSTNAME, RATINGS_HOSTNAME and HTTP_PROXY say where the others are).
 */
import http from 'node:http';
import {
  forwarded,
  get,
  httpProxyFromEnv,
  instanceFromEnv,
  listen,
  type Reply,
  type RunningService,
  runWhenMain,
  send,
} from './service-kit.ts';

export interface ProductPageOptions {
  port: number;
  version?: string;
  host?: string;
  instance?: string;
  /** `host:port` of each service as the mesh names it (default `<name>:9080`). */
  details?: string;
  reviews?: string;
  ratings?: string;
  /** `host:port` of the sidecar's HTTP proxy listener, or undefined to connect directly. */
  httpProxy?: string;
  log?: (line: string) => void;
}

interface Review {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

export function startProductPage(opts: ProductPageOptions): Promise<RunningService> {
  const instance = opts.instance ?? `productpage-${opts.version ?? 'v1'}`;
  const log = opts.log ?? ((line: string) => console.log(line));
  const at = (name: 'details' | 'reviews' | 'ratings') => opts[name] ?? `${name}:9080`;
  const call = (name: 'details' | 'reviews' | 'ratings', path: string, req: http.IncomingMessage) =>
    get(`http://${at(name)}${path}`, forwarded(req), opts.httpProxy, 3000);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://productpage');
    log(`${instance} ${req.method} ${url.pathname} host=${req.headers.host ?? ''} user=${userOf(req)}`);
    res.setHeader('x-served-by', instance);
    const api = /^\/api\/v1\/products\/(\d+)(\/reviews|\/ratings)?$/.exec(url.pathname);
    if (url.pathname === '/health')
      return send(res, 200, 'application/json', '{"status":"Product page is healthy"}');
    if (url.pathname === '/login' && req.method === 'POST') return login(req, res);
    if (url.pathname === '/logout') return redirect(res, 'user=; Max-Age=0');
    if (url.pathname === '/api/v1/products')
      return send(res, 200, 'application/json', JSON.stringify([{ id: 0, title: 'The Comedy of Errors' }]));
    if (api !== null) {
      const which = api[2] === '/reviews' ? 'reviews' : api[2] === '/ratings' ? 'ratings' : 'details';
      const reply = await call(which, `/${which}/${api[1]}`, req);
      return send(res, reply?.status ?? 503, 'application/json', reply?.body ?? '{"error":"unavailable"}');
    }
    if (url.pathname !== '/productpage' && url.pathname !== '/')
      return send(res, 404, 'text/plain', 'not found\n');
    const [details, reviews] = await Promise.all([
      call('details', '/details/0', req),
      retryOnce(() => call('reviews', '/reviews/0', req)),
    ]);
    send(res, 200, 'text/html; charset=utf-8', render(userOf(req), details, reviews));
  });
  return listen(server, opts.port, opts.host);
}

/** The signed-in user: the `end-user` header, else the `user` cookie. */
function userOf(req: http.IncomingMessage): string {
  const header = req.headers['end-user'];
  if (typeof header === 'string' && header !== '') return header;
  const m = /(?:^|;\s*)user=([^;]*)/.exec(req.headers.cookie ?? '');
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

async function retryOnce(fn: () => Promise<Reply>): Promise<Reply> {
  const first = await fn();
  return first?.status === 200 ? first : fn();
}

function login(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    const user = new URLSearchParams(body).get('username') ?? '';
    redirect(res, `user=${encodeURIComponent(user)}; Path=/`);
  });
}

function redirect(res: http.ServerResponse, cookie: string): void {
  res.writeHead(302, { location: '/productpage', 'set-cookie': cookie, 'content-length': 0 });
  res.end();
}

function render(user: string, details: Reply, reviews: Reply): string {
  const parts = ['<html><head><title>Simple Bookstore App</title></head><body>'];
  parts.push(
    user === ''
      ? '<form method="post" action="/login">User <input name="username"> Password <input type="password" name="passwd"> <button>Sign in</button></form>'
      : `<p>Welcome, <b id="user">${escapeHtml(user)}</b> <a href="/logout">Sign out</a></p>`,
  );
  parts.push('<h2>The Comedy of Errors</h2>');
  if (details?.status === 200) {
    const d = JSON.parse(details.body) as Record<string, unknown>;
    parts.push(
      `<dl id="details"><dt>Author</dt><dd>${escapeHtml(String(d.author))}</dd><dt>Type</dt><dd>${escapeHtml(String(d.type))}</dd></dl>`,
    );
  } else {
    parts.push('<p id="details-error">Sorry, product details are currently unavailable for this book.</p>');
  }
  if (reviews?.status === 200) {
    const r = JSON.parse(reviews.body) as { podname: string; reviews: Review[] };
    for (const review of r.reviews) parts.push(renderReview(review));
    parts.push(`<dl><dt>Reviews served by:</dt><dd id="reviews-pod">${escapeHtml(r.podname)}</dd></dl>`);
  } else {
    parts.push('<p id="reviews-error">Sorry, product reviews are currently unavailable for this book.</p>');
  }
  parts.push('</body></html>\n');
  return parts.join('\n');
}

function renderReview(r: Review): string {
  let rating = '';
  if (r.rating?.error !== undefined) rating = `<p class="rating-error">${escapeHtml(r.rating.error)}</p>`;
  else if (r.rating?.stars !== undefined)
    rating = `<font class="stars" color="${r.rating.color}">${'★'.repeat(r.rating.stars)}${'☆'.repeat(5 - r.rating.stars)}</font>`;
  return `<blockquote><p>${escapeHtml(r.text)}</p><small>${escapeHtml(r.reviewer)}</small>${rating}</blockquote>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const hostOf = (name: string) => `${process.env[`${name.toUpperCase()}_HOSTNAME`] ?? name}:9080`;
runWhenMain(
  import.meta.url,
  () =>
    startProductPage({
      port: Number(process.argv[2] ?? process.env.PORT ?? 9080),
      details: hostOf('details'),
      reviews: hostOf('reviews'),
      ratings: hostOf('ratings'),
      httpProxy: httpProxyFromEnv(),
      instance: instanceFromEnv(),
    }),
  'productpage',
);
