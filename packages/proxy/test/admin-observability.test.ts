/**
 * The admin API's observability endpoints: /help lists every endpoint, /logging changes levels at
 * run time, /clusters shows an outlier-ejected host as ejected, /stats filters and formats, and
 * the dedicated scrape port serves /stats/prometheus only.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { formatConfigIssue, validateBootstrap } from '@tandem/api';
import { ProxyServer } from '../src/proxy-server.ts';
import { adminRequest } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';

function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
        );
      })
      .on('error', reject);
  });
}

describe('admin observability endpoints', () => {
  let app: Backend;
  let proxy: ProxyServer;
  const logged: string[] = [];

  before(async () => {
    app = await startEchoBackend('app');
    const raw = bootstrap(
      [
        listener('http', [
          { filters: [hcm(routeConfig([{ match: { prefix: '/' }, route: { cluster: 'app' } }]))] },
        ]),
      ],
      [staticCluster('app', [app.port])],
    );
    const v = validateBootstrap(raw);
    if (!v.ok) throw new Error(v.errors.map(formatConfigIssue).join('\n'));
    proxy = new ProxyServer({
      bootstrap: v.bootstrap,
      raw,
      log: (l) => logged.push(l),
      prometheusAddress: { address: '127.0.0.1', port: 0 },
    });
    await proxy.start();
  });

  after(async () => {
    await proxy?.stop(0);
    await app?.close();
  });

  it('lists every endpoint on /help', async () => {
    const help = (await adminRequest(proxy.adminPort, '/help')).body;
    for (const path of [
      '/ready',
      '/stats',
      '/stats/prometheus',
      '/config_dump',
      '/memory',
      '/clusters',
      '/listeners',
      '/server_info',
      '/logging',
      '/drain_listeners',
      '/quitquitquit',
    ])
      assert.match(help, new RegExp(`^  ${path}: `, 'm'));
  });

  it('reports memory on /memory: the JavaScript heap as Envoy names it, and RSS', async () => {
    const m = JSON.parse((await adminRequest(proxy.adminPort, '/memory')).body) as Record<string, string>;
    const allocated = Number(m['allocated']);
    assert.ok(allocated > 0 && allocated <= Number(m['heap_size']), JSON.stringify(m));
    assert.ok(Number(m['rss']) >= Number(m['heap_size']), JSON.stringify(m));
  });

  it('changes log levels at run time on /logging', async () => {
    assert.match((await adminRequest(proxy.adminPort, '/logging')).body, /^ {2}main: info$/m);
    assert.equal((await adminRequest(proxy.adminPort, '/logging?level=debug')).status, 405, 'POST only');
    assert.equal((await adminRequest(proxy.adminPort, '/logging?level=loud', 'POST')).status, 400);
    const off = await adminRequest(proxy.adminPort, '/logging?main=off', 'POST');
    assert.match(off.body, /^ {2}main: off$/m);
    assert.equal(proxy.logLevels.enabled('main', 'critical'), false);
    await adminRequest(proxy.adminPort, '/logging?level=info', 'POST');
    assert.equal(proxy.logLevels.enabled('main', 'info'), true);
  });

  it('shows an outlier-ejected host as ejected on /clusters', async () => {
    const host = proxy.clusters.get('app')!.allHosts[0]!;
    // The flag outlier detection sets (its own tests eject hosts for real).
    host.outlierEjected = true;
    host.updateHealth();
    try {
      const text = (await adminRequest(proxy.adminPort, '/clusters')).body;
      assert.match(
        text,
        new RegExp(`^app::127\\.0\\.0\\.1:${app.port}::health_flags::/failed_outlier_check$`, 'm'),
      );
      const json = JSON.parse((await adminRequest(proxy.adminPort, '/clusters?format=json')).body);
      assert.equal(json.cluster_statuses[0].host_statuses[0].health_status.failed_outlier_check, true);
    } finally {
      host.outlierEjected = false;
      host.updateHealth();
    }
    assert.match((await adminRequest(proxy.adminPort, '/clusters')).body, /::health_flags::healthy$/m);
  });

  it('serves /stats as text, JSON and filtered, and Prometheus text on the scrape port', async () => {
    await get(proxy.listenerPort('http'), '/');
    const filtered = (
      await adminRequest(proxy.adminPort, '/stats?filter=^cluster\\.app\\.upstream_rq_total$')
    ).body;
    assert.equal(filtered, 'cluster.app.upstream_rq_total: 1\n');
    const json = JSON.parse(
      (await adminRequest(proxy.adminPort, '/stats?format=json&filter=upstream_rq_total')).body,
    );
    assert.deepEqual(json.stats, [{ name: 'cluster.app.upstream_rq_total', value: 1 }]);
    const scrape = await get(proxy.prometheusPort, '/stats/prometheus');
    assert.equal(scrape.status, 200);
    assert.match(scrape.type, /^text\/plain; version=0\.0\.4/);
    assert.match(scrape.body, /^istio_requests_total\{reporter="source",.*response_code="200".*\} 1$/m);
    assert.match(scrape.body, /^envoy_cluster_upstream_rq_total\{envoy_cluster_name="app"\} 1$/m);
    assert.equal(
      (await get(proxy.prometheusPort, '/config_dump')).status,
      404,
      'only metrics on the scrape port',
    );
  });
});
