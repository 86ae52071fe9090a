/**
 * Bookinfo on loopback for end-to-end tests: the project's own bookinfo services (examples/bookinfo),
 * each behind a Tandem sidecar configured by the control plane, plus a client sidecar the tests send
 * through. The registry (ServiceEntries with the workloads' inbound addresses, and a Sidecar per
 * workload for its inbound listener) is written by the harness; Istio's bookinfo networking files are
 * linked into the config directory and so read in place; tests add their own config next to them.
 *
 * productpage's sidecar listens inbound on port 8000 (on an address of its own in 127/8), so that the
 * local rate limit EnvoyFilter of Istio's sample (virtual host `inbound|http|8000`) applies unchanged.
 * ratings runs as `ratingsReplicas` instances without sidecars, so tests can break one of them.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import { startDetails } from '../../../../examples/bookinfo/details.ts';
import { startProductPage } from '../../../../examples/bookinfo/productpage.ts';
import { type RatingsOptions, startRatings } from '../../../../examples/bookinfo/ratings.ts';
import { startReviews } from '../../../../examples/bookinfo/reviews.ts';
import { adminRequest, readStats } from '../../../proxy/test/helpers/admin.ts';
import { adsBootstrap } from '../../../proxy/test/helpers/ads-bootstrap.ts';
import { freePort } from '../../../proxy/test/helpers/free-port.ts';
import { parseIstioFile } from '../../src/config/istio-file-parser.ts';
import { ControlPlane } from '../../src/control-plane.ts';

export const NETWORKING = path.resolve(
  import.meta.dirname,
  '../../../../../shared/testdata/istio/samples/bookinfo/networking',
);
export const SAMPLES = path.resolve(import.meta.dirname, '../../../../../shared/testdata/istio/samples');

/** How long a test request may take before it counts as failed (status 0). */
const REQUEST_TIMEOUT_MS = 20_000;

/** The outbound cluster Istio names for a bookinfo service's port 9080 (and subset). */
export function outbound(service: string, subset = ''): string {
  return `outbound|9080|${subset}|${service}.default.svc.cluster.local`;
}

/** The reviews instance that served a product page, and the colour of its stars. */
export const podOf = (html: string): string => /id="reviews-pod">([^<]*)</.exec(html)?.[1] ?? '';
export const starsOf = (html: string): string => /class="stars" color="(\w+)"/.exec(html)?.[1] ?? 'none';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** When the request was sent and how long the answer took, on performance.now()'s clock. */
  atMs: number;
  ms: number;
}

interface Running {
  port: number;
  close(): Promise<void>;
}

export interface Workload {
  service: string;
  version: string;
  /** The address and port its sidecar takes inbound traffic on (the mesh endpoint). */
  inboundAddress: string;
  inboundPort: number;
  appPort: number;
  proxy: ProxyServer;
  /** The sidecar's HTTP proxy listener (where the app sends outbound requests). */
  proxyPort: number;
  app: Running;
}

export interface RatingsReplica {
  name: string;
  /** The running service's options; its `failStatus` is read per request. */
  options: RatingsOptions;
  app: Running;
}

/** One line of a service's access log, with the time it was written. */
export interface LogLine {
  atMs: number;
  line: string;
}

export class BookinfoMesh {
  readonly dir: string;
  readonly log: LogLine[] = [];
  readonly workloads: Workload[] = [];
  readonly ratings: RatingsReplica[] = [];
  cp!: ControlPlane;
  client!: ProxyServer;
  clientPort = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Starts the mesh and waits until the product page answers through it; if any part fails, stops
   * what had started (so the test process can exit).
   */
  static async start(opts: { networking: string[]; ratingsReplicas: number }): Promise<BookinfoMesh> {
    const mesh = new BookinfoMesh(mkdtempSync(path.join(tmpdir(), 'tandem-bookinfo-')));
    try {
      await mesh.startAll(opts);
      await mesh.until('the product page', async () => (await mesh.productPage()).status === 200, 15_000);
    } catch (err) {
      await mesh.stop();
      throw err;
    }
    return mesh;
  }

  private async startAll(opts: { networking: string[]; ratingsReplicas: number }): Promise<void> {
    mkdirSync(path.join(this.dir, '10-networking'));
    mkdirSync(path.join(this.dir, '20-test'));
    for (const f of opts.networking) this.link(path.join(NETWORKING, f));
    const plan = await planWorkloads();
    for (let i = 0; i < opts.ratingsReplicas; i++) {
      const name = `ratings-${i}`;
      const options: RatingsOptions = { port: 0, version: 'v1', instance: name, log: this.logger() };
      const app = await startRatings(options);
      this.ratings.push({ name, options, app });
    }
    this.writeRegistry(plan);
    this.cp = new ControlPlane({
      configDir: this.dir,
      parse: parseIstioFile,
      debounceQuietMs: 20,
      log: () => {},
    });
    await this.cp.start();
    const xdsPort = await this.cp.ads.listen('127.0.0.1:0');
    this.clientPort = await freePort();
    this.client = await startSidecar(xdsPort, 'client-1', { app: 'client' }, this.clientPort);
    for (const p of plan) this.workloads.push(await this.startWorkload(xdsPort, p));
  }

  /** Links a file (read in place) into the config directory under `name` (default: its own name). */
  link(file: string, name = path.basename(file)): void {
    const at = path.join(this.dir, '10-networking', name);
    rmSync(at, { force: true });
    symlinkSync(file, at);
  }

  unlink(name: string): void {
    rmSync(path.join(this.dir, '10-networking', name), { force: true });
  }

  /** Writes test config (after the networking files, so its objects replace theirs). */
  write(name: string, yaml: string): void {
    writeFileSync(path.join(this.dir, '20-test', name), yaml);
  }

  remove(name: string): void {
    try {
      unlinkSync(path.join(this.dir, '20-test', name));
    } catch {}
  }

  /** Re-reads the config now (the watcher would too, a little later). */
  async reload(): Promise<void> {
    await this.cp.reload();
  }

  workload(service: string, version = 'v1'): Workload {
    const w = this.workloads.find((x) => x.service === service && x.version === version);
    if (w === undefined) throw new Error(`no workload ${service} ${version}`);
    return w;
  }

  /** A request through the client's sidecar, as an app using HTTP_PROXY sends it. */
  get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<Reply> {
    const u = new URL(url);
    const started = performance.now();
    const reply = (status: number, h: http.IncomingHttpHeaders, text: string): Reply => ({
      status,
      headers: h,
      body: text,
      atMs: started,
      ms: performance.now() - started,
    });
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.clientPort,
          path: url,
          method,
          headers: { host: u.host, ...headers },
          agent: this.agent,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve(reply(res.statusCode ?? 0, res.headers, text)));
          res.on('error', () => resolve(reply(0, {}, '')));
        },
      );
      req.on('error', () => resolve(reply(0, {}, '')));
      // A request that never ends fails its test instead of hanging it.
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer')));
      req.end(body);
    });
  }

  productPage(user = ''): Promise<Reply> {
    return this.get('http://productpage:9080/productpage', user === '' ? {} : { 'end-user': user });
  }

  /** `n` product pages, `concurrency` at a time. */
  async productPages(n: number, user = '', concurrency = 10): Promise<Reply[]> {
    const out: Reply[] = [];
    for (let i = 0; i < n; i += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, n - i) }, () => this.productPage(user));
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }

  /** Every stat of a sidecar, read from its admin API's `/stats` as an operator would. */
  stats(proxy: ProxyServer): Promise<Map<string, number>> {
    return readStats(proxy.adminPort);
  }

  /** One stat of a sidecar from `/stats` (0 when it does not exist yet). */
  async stat(proxy: ProxyServer, name: string): Promise<number> {
    return (await this.stats(proxy)).get(name) ?? 0;
  }

  /** A sidecar's `/config_dump` (the config it runs, as JSON text). */
  async configDump(proxy: ProxyServer): Promise<string> {
    return (await adminRequest(proxy.adminPort, '/config_dump')).body;
  }

  /** The stat prefix of a sidecar's HTTP proxy listener (its outbound connection manager). */
  outboundHttp(proxyPort: number): string {
    return `http.outbound_127.0.0.1_${proxyPort}.`;
  }

  /** Polls until `check` holds (config changes take a moment to reach every proxy). */
  async until(what: string, check: () => Promise<boolean> | boolean, limitMs = 8000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Rewrites the registry with these ratings replicas (the others leave the mesh). */
  setRatingsEndpoints(names: string[]): void {
    this.writeRatings(this.ratings.filter((r) => names.includes(r.name)));
  }

  /**
   * Makes a ratings replica answer with `failStatus` (0: healthy again), at once and without a
   * restart (which could lose its port to another process in between).
   */
  setRatingsFailing(name: string, failStatus: number): void {
    const r = this.ratings.find((x) => x.name === name);
    if (r === undefined) throw new Error(`no ratings replica ${name}`);
    r.options.failStatus = failStatus;
  }

  /** Stops a workload's application (its sidecar stays, and finds nobody behind it). */
  async stopApp(w: Workload): Promise<void> {
    await w.app.close();
  }

  /** Starts a workload's application again, on the port it had. */
  async restartApp(w: Workload): Promise<void> {
    w.app = await this.startApp(w, w.proxyPort);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.client?.stop(0);
    for (const w of this.workloads) {
      await w.proxy.stop(0);
      await w.app.close();
    }
    for (const r of this.ratings) await r.app.close();
    await this.cp?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ internals

  private logger(): (line: string) => void {
    return (line) => this.log.push({ atMs: performance.now(), line });
  }

  private async startWorkload(xdsPort: number, p: PlannedWorkload): Promise<Workload> {
    const proxyPort = await freePort();
    const proxy = await startSidecar(
      xdsPort,
      `${p.service}-${p.version}-1`,
      { app: p.service, version: p.version },
      proxyPort,
    );
    try {
      return { ...p, proxy, proxyPort, app: await this.startApp(p, proxyPort) };
    } catch (err) {
      await proxy.stop(0);
      throw err;
    }
  }

  private startApp(p: PlannedWorkload, proxyPort: number): Promise<Running> {
    const httpProxy = `127.0.0.1:${proxyPort}`;
    const base = { port: p.appPort, version: p.version, log: this.logger() };
    if (p.service === 'productpage') return startProductPage({ ...base, httpProxy });
    if (p.service === 'reviews') return startReviews({ ...base, httpProxy });
    return startDetails(base);
  }

  private writeRegistry(plan: PlannedWorkload[]): void {
    const docs: string[] = [];
    for (const service of ['productpage', 'reviews', 'details']) {
      const eps = plan
        .filter((p) => p.service === service)
        .map(
          (p) =>
            `    - { address: ${p.inboundAddress}, ports: { http: ${p.inboundPort} }, labels: { app: ${service}, version: ${p.version} } }`,
        );
      docs.push(serviceEntry(service, eps));
    }
    for (const p of plan) {
      docs.push(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${p.service}-${p.version}, namespace: default }
spec:
  workloadSelector: { labels: { app: ${p.service}, version: ${p.version} } }
  ingress:
    - port: { number: ${p.inboundPort}, protocol: HTTP, name: http }
      bind: ${p.inboundAddress}
      defaultEndpoint: 127.0.0.1:${p.appPort}
`);
    }
    writeFileSync(path.join(this.dir, '00-registry.yaml'), docs.join('---\n'));
    this.writeRatings(this.ratings);
  }

  private writeRatings(replicas: RatingsReplica[]): void {
    const eps = replicas.map(
      (r) =>
        `    - { address: 127.0.0.1, ports: { http: ${r.app.port} }, labels: { app: ratings, version: v1, replica: ${r.name} } }`,
    );
    writeFileSync(path.join(this.dir, '00-ratings.yaml'), serviceEntry('ratings', eps));
  }
}

function serviceEntry(service: string, endpoints: string[]): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${service}, namespace: default }
spec:
  hosts: [${service}.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  endpoints:
${endpoints.length > 0 ? endpoints.join('\n') : '    []'}
`;
}

interface PlannedWorkload {
  service: string;
  version: string;
  inboundAddress: string;
  inboundPort: number;
  appPort: number;
}

async function planWorkloads(): Promise<PlannedWorkload[]> {
  const out: PlannedWorkload[] = [];
  const productpageAddress = await freeAddressFor(8000);
  out.push({
    service: 'productpage',
    version: 'v1',
    inboundAddress: productpageAddress,
    inboundPort: 8000,
    appPort: await freePort(),
  });
  for (const [service, version] of [
    ['details', 'v1'],
    ['reviews', 'v1'],
    ['reviews', 'v2'],
    ['reviews', 'v3'],
  ] as const) {
    out.push({
      service,
      version,
      inboundAddress: '127.0.0.1',
      inboundPort: await freePort(),
      appPort: await freePort(),
    });
  }
  return out;
}

async function startSidecar(
  xdsPort: number,
  pod: string,
  labels: Record<string, string>,
  proxyPort: number,
): Promise<ProxyServer> {
  const raw = adsBootstrap(xdsPort, { initialFetchTimeout: '5s' }) as { node: Record<string, unknown> };
  raw.node = {
    id: `sidecar~127.0.0.1~${pod}.default~default.svc.cluster.local`,
    cluster: labels['app'],
    metadata: {
      NAMESPACE: 'default',
      LABELS: labels,
      INTERCEPTION_MODE: 'NONE',
      HTTP_PROXY_PORT: String(proxyPort),
      OUTBOUND_LISTENERS: 'http-proxy',
    },
  };
  const v = validateBootstrap(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const proxy = new ProxyServer({ bootstrap: v.bootstrap, raw, log: () => {}, drainTimeMs: 200 });
  try {
    await proxy.start();
  } catch (err) {
    await proxy.stop(0);
    throw err;
  }
  return proxy;
}

export { freePort };

/** An address in 127/8 where `port` is free (Linux routes all of it to loopback). */
async function freeAddressFor(port: number): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, address, () => s.close(() => resolve(true)));
    });
    if (ok) return address;
  }
  throw new Error(`no loopback address with port ${port} free`);
}

/** Istio's request-timeouts task: every call to ratings (v1) delayed by 2 s. */
export const RATINGS_DELAYED_2S = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - fault:
      delay:
        percentage:
          value: 100
        fixedDelay: 2s
    route:
    - destination:
        host: ratings
        subset: v1
`;
