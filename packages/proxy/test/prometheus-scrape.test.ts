/**
 * A real Prometheus (Debian's `prometheus`) scrapes a sidecar's dedicated metrics port and stores
 * Istio's series: the scrape parses, the target is up, and istio_requests_total is queryable
 * with its labels. Skipped when the binary is not installed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatConfigIssue, validateBootstrap } from '@tandem/api';
import { ProxyServer } from '../src/proxy-server.ts';
import { type Backend, freePort, startEchoBackend } from './helpers/backends.ts';
import { httpRequest } from './helpers/http-client.ts';
import { meshNode, sidecarBootstrap } from './helpers/sidecars.ts';

const HAVE_PROMETHEUS = spawnSync('prometheus', ['--version']).error === undefined;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(port: number, q: string): Promise<Sample[]> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { data?: { result?: Sample[] } };
    return body.data?.result ?? [];
  } catch {
    return [];
  }
}

describe('a real Prometheus scrapes the sidecar', {
  skip: HAVE_PROMETHEUS ? false : 'prometheus not installed',
}, () => {
  let app: Backend;
  let proxy: ProxyServer;
  let prom: ChildProcess | undefined;
  let dir: string;
  let promPort: number;

  before(async () => {
    app = await startEchoBackend('app');
    const raw = sidecarBootstrap({
      node: meshNode(
        'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local',
        { app: 'client', version: 'v1' },
        'client',
      ),
      name: 'outbound',
      port: 0,
      direction: 'OUTBOUND',
      cluster: 'outbound|8080||web.default.svc.cluster.local',
      upstreamPort: app.port,
    });
    const v = validateBootstrap(raw);
    if (!v.ok) throw new Error(v.errors.map(formatConfigIssue).join('\n'));
    proxy = new ProxyServer({
      bootstrap: v.bootstrap,
      raw,
      log: () => {},
      prometheusAddress: { address: '127.0.0.1', port: 0 },
    });
    await proxy.start();
    for (let i = 0; i < 3; i++)
      await httpRequest(proxy.listenerPort('outbound'), '/', { headers: { host: 'web:8080' } });
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-prom-'));
    promPort = await freePort();
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: envoy-stats
    metrics_path: /stats/prometheus
    static_configs: [{ targets: ['127.0.0.1:${proxy.prometheusPort}'] }]
`,
    );
    prom = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
  });

  after(async () => {
    if (prom?.pid !== undefined && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    await proxy?.stop(0);
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores istio_requests_total with its labels and reports the target up', async () => {
    let series: Sample[] = [];
    for (let i = 0; i < 300 && series.length === 0; i++) {
      series = await query(promPort, 'istio_requests_total{reporter="source"}');
      if (series.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(series.length, 1, 'one series after 30 s');
    const s = series[0]!;
    assert.equal(s.metric['source_workload'], 'client');
    assert.equal(s.metric['destination_service'], 'web.default.svc.cluster.local');
    assert.equal(s.metric['response_code'], '200');
    assert.equal(s.value[1], '3');
    const up = await query(promPort, 'up{job="envoy-stats"}');
    assert.equal(up[0]?.value[1], '1');
    const buckets = await query(promPort, 'istio_request_duration_milliseconds_bucket{le="+Inf"}');
    assert.equal(buckets[0]?.value[1], '3');
  });
});
