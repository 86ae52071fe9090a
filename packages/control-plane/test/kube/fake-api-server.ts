/**
 * A FAKE Kubernetes API server, for tests only. There is no real API server (nor kind/minikube) on
 * these machines, so the tests run Tandem's list/watch client against this small server, which
 * speaks the same wire protocol as the real one for what Tandem uses:
 * - collections (`GET /api/v1/services`, ...) answered as `<Kind>List` with `metadata.resourceVersion`
 *   and `limit`/`continue` paging;
 * - `?watch=true&resourceVersion=N`: newline-delimited JSON events (ADDED, MODIFIED, DELETED,
 *   BOOKMARK when `allowWatchBookmarks=true`, ERROR), replayed from N then live, ended after
 *   `timeoutSeconds`; a version older than the retained history answers `410 Gone` (as an ERROR event
 *   with a Status, the way the API server does it, or as an HTTP 410 status);
 * - TokenReview, `GET /version`, and JSON-patching a MutatingWebhookConfiguration.
 * One global resourceVersion counter, as etcd gives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fastJsonPatch from 'fast-json-patch';

type Obj = Record<string, unknown> & {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
};

interface Collection {
  kind: string;
  apiVersion: string;
  items: Map<string, Obj>;
  /** Events with their resourceVersion, oldest first; everything after `compactedTo` is kept. */
  history: { rv: number; type: string; object: Obj }[];
  compactedTo: number;
}

interface Watcher {
  path: string;
  res: ServerResponse;
  bookmarks: boolean;
  timer: NodeJS.Timeout;
}

export interface TokenInfo {
  username: string;
  audiences: string[];
  uid?: string;
  /** Answer like an authenticator that ignores audiences: authenticated, no `status.audiences`. */
  audienceUnaware?: boolean;
}

export class FakeApiServer {
  readonly requests: string[] = [];
  readonly tokens = new Map<string, TokenInfo>();
  /** `event`: 410 as an ERROR event on a 200 stream (the API server's way); `status`: HTTP 410. */
  goneAs: 'event' | 'status' = 'event';
  /** Fail this many coming requests with a dropped connection. */
  failNext = 0;
  version = { major: '1', minor: '29', gitVersion: 'v1.29.2' };
  private rv = 100;
  private readonly collections = new Map<string, Collection>();
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FakeApiServer> {
    const s = new FakeApiServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Declares a collection (`/api/v1/services`, kind `Service`, apiVersion `v1`). */
  define(path: string, kind: string, apiVersion: string): void {
    this.collections.set(path, { kind, apiVersion, items: new Map(), history: [], compactedTo: 0 });
  }

  upsert(path: string, object: Record<string, unknown>): string {
    const c = this.collection(path);
    const obj = structuredClone(object) as Obj;
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const type = c.items.has(key) ? 'MODIFIED' : 'ADDED';
    obj.metadata.resourceVersion = String(++this.rv);
    c.items.set(key, obj);
    this.emit(path, c, type, obj);
    return obj.metadata.resourceVersion;
  }

  remove(path: string, namespace: string, name: string): void {
    const c = this.collection(path);
    const key = `${namespace}/${name}`;
    const obj = c.items.get(key);
    if (obj === undefined) throw new Error(`no ${key} in ${path}`);
    c.items.delete(key);
    const gone = structuredClone(obj);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit(path, c, 'DELETED', gone);
  }

  /** Forgets history up to now (etcd compaction): watches from older versions get 410 Gone. */
  compact(): void {
    for (const c of this.collections.values()) {
      c.history = [];
      c.compactedTo = this.rv;
    }
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watcher that asked for bookmarks. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      const c = this.collection(w.path);
      this.write(w, 'BOOKMARK', {
        kind: c.kind,
        apiVersion: c.apiVersion,
        metadata: { resourceVersion: String(this.rv) },
      });
    }
  }

  /** Cuts every open watch connection (as a network failure or an API server restart would). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get(path: string, namespace: string, name: string): Obj | undefined {
    return this.collection(path).items.get(`${namespace}/${name}`);
  }

  async close(): Promise<void> {
    for (const w of this.watchers) clearTimeout(w.timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- protocol

  private collection(path: string): Collection {
    const c = this.collections.get(path);
    if (c === undefined) throw new Error(`fake API server: no collection ${path}`);
    return c;
  }

  private emit(path: string, c: Collection, type: string, object: Obj): void {
    const stamped = { kind: c.kind, apiVersion: c.apiVersion, ...object };
    c.history.push({ rv: this.rv, type, object: stamped });
    for (const w of this.watchers) if (w.path === path) this.write(w, type, stamped);
  }

  private write(w: Watcher, type: string, object: unknown): void {
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    if (this.failNext > 0) {
      this.failNext--;
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/version') return this.json(res, 200, this.version);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      if (req.method === 'POST' && url.pathname === '/apis/authentication.k8s.io/v1/tokenreviews')
        return this.tokenReview(res, body);
      if (req.method === 'PATCH') return this.patch(res, url.pathname, body);
      if (req.method === 'GET' && this.collections.has(url.pathname)) {
        if (url.searchParams.get('watch') === 'true') return this.watch(res, url);
        return this.list(res, url);
      }
      const slash = url.pathname.lastIndexOf('/');
      const parent = url.pathname.slice(0, slash);
      const one =
        req.method === 'GET' && this.collections.has(parent)
          ? this.get(parent, '', url.pathname.slice(slash + 1))
          : undefined;
      if (one !== undefined) return this.json(res, 200, one);
      this.status(res, 404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    });
  }

  private list(res: ServerResponse, url: URL): void {
    const c = this.collection(url.pathname);
    const all = [...c.items.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const limit = Number(url.searchParams.get('limit') ?? 0) || all.length;
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    this.json(res, 200, {
      kind: `${c.kind}List`,
      apiVersion: c.apiVersion,
      metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private watch(res: ServerResponse, url: URL): void {
    const c = this.collection(url.pathname);
    const from = Number(url.searchParams.get('resourceVersion') ?? 0);
    if (from < c.compactedTo) {
      const message = `too old resource version: ${from} (${c.compactedTo})`;
      if (this.goneAs === 'status') return this.status(res, 410, 'Expired', message);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Expired', code: 410 } })}\n`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const timeoutMs = Number(url.searchParams.get('timeoutSeconds') ?? 1800) * 1000;
    const w: Watcher = {
      path: url.pathname,
      res,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      timer: setTimeout(() => res.end(), timeoutMs),
    };
    for (const e of c.history) if (e.rv > from) this.write(w, e.type, e.object);
    this.watchers.add(w);
    const done = () => {
      clearTimeout(w.timer);
      this.watchers.delete(w);
    };
    // (A request's own 'close' fires once its body is read; the response's fires when the stream ends.)
    res.on('close', done);
  }

  private tokenReview(res: ServerResponse, body: { spec?: { token?: string; audiences?: string[] } }): void {
    const token = this.tokens.get(body?.spec?.token ?? '');
    const wanted = body?.spec?.audiences ?? [];
    const base = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: body?.spec };
    if (token === undefined)
      return this.json(res, 201, {
        ...base,
        status: { authenticated: false, error: 'invalid bearer token' },
      });
    if (token.audienceUnaware)
      return this.json(res, 201, {
        ...base,
        status: { authenticated: true, user: { username: token.username } },
      });
    const audiences =
      wanted.length === 0 ? token.audiences : wanted.filter((a) => token.audiences.includes(a));
    if (audiences.length === 0)
      return this.json(res, 201, {
        ...base,
        status: { authenticated: false, error: 'token audiences are invalid for the target audiences' },
      });
    this.json(res, 201, {
      ...base,
      status: {
        authenticated: true,
        user: { username: token.username, uid: token.uid ?? 'u-1', groups: ['system:serviceaccounts'] },
        audiences,
      },
    });
  }

  private patch(res: ServerResponse, pathname: string, ops: unknown): void {
    const m = /^(\/apis\/admissionregistration\.k8s\.io\/v1\/mutatingwebhookconfigurations)\/([^/]+)$/.exec(
      pathname,
    );
    const c = m ? this.collections.get(m[1]!) : undefined;
    const current = c?.items.get(`/${m?.[2]}`);
    if (m === null || current === undefined)
      return this.status(res, 404, 'NotFound', `${pathname} not found`);
    const next = fastJsonPatch.applyPatch(
      structuredClone(current),
      ops as fastJsonPatch.Operation[],
    ).newDocument;
    this.upsert(m[1]!, next);
    this.json(res, 200, this.get(m[1]!, '', m[2]!));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  }
}
