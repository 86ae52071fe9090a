import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { validateBootstrap } from '@tandem/api';
import { parseProxyInfo } from '@tandem/control-plane';
import { AgentServer, parseProbers } from './agent-server.ts';
import { buildSidecarBootstrap, parseDownwardApiFile } from './sidecar-bootstrap.ts';

describe('buildSidecarBootstrap', () => {
  const env = {
    POD_NAME: 'reviews-v1-5d8f7c9b6-abcde',
    POD_NAMESPACE: 'bookinfo',
    INSTANCE_IP: '10.1.2.3',
    SERVICE_ACCOUNT: 'bookinfo-reviews',
    TANDEM_CONTROL_PLANE: 'tandem-control-plane.tandem-system.svc:15010',
    TANDEM_META_CLUSTER_ID: 'Kubernetes',
    TANDEM_META_INTERCEPTION_MODE: 'REDIRECT',
    TANDEM_META_WORKLOAD_NAME: 'reviews-v1',
    TRUST_DOMAIN: 'cluster.local',
  };
  const labelsFile = 'app="reviews"\nversion="v1"\nquote="a\\"b"\n';

  it('names the node as the control plane expects, with the identity metadata', () => {
    const bootstrap = buildSidecarBootstrap({ env, labelsFile });
    const node = bootstrap.node as { id: string; metadata: Record<string, unknown> };
    assert.equal(node.id, 'sidecar~10.1.2.3~reviews-v1-5d8f7c9b6-abcde.bookinfo~bookinfo.svc.cluster.local');
    const info = parseProxyInfo(node);
    assert.equal(info.kind, 'sidecar');
    assert.deepEqual(info.ips, ['10.1.2.3']);
    assert.equal(info.podName, 'reviews-v1-5d8f7c9b6-abcde');
    assert.equal(info.namespace, 'bookinfo');
    assert.deepEqual(info.labels, { app: 'reviews', version: 'v1', quote: 'a"b' });
    assert.equal(info.serviceAccount, 'bookinfo-reviews');
    assert.equal(info.workloadName, 'reviews-v1');
    assert.equal(info.clusterId, 'Kubernetes');
    assert.equal(info.interceptionMode, 'REDIRECT');
  });

  it('is a bootstrap the proxy accepts', () => {
    const r = validateBootstrap(buildSidecarBootstrap({ env, labelsFile }));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('parses the downward API file format', () => {
    assert.deepEqual(parseDownwardApiFile('a="1"\nb="x=y"\n\n'), { a: '1', b: 'x=y' });
  });
});

describe('AgentServer', () => {
  let app: http.Server;
  let appPort: number;
  let agent: AgentServer;
  let agentPort: number;
  let ready = false;

  before(async () => {
    app = http.createServer((req, res) => {
      res.writeHead(req.url === '/ready' && req.headers['x-probe'] === 'yes' ? 200 : 500);
      res.end();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    const probers = parseProbers(
      JSON.stringify({
        '/app-health/web/readyz': {
          httpGet: { path: '/ready', port: appPort, httpHeaders: [{ name: 'x-probe', value: 'yes' }] },
        },
        '/app-health/web/livez': { httpGet: { path: '/broken', port: appPort } },
        '/app-health/web/startupz': { httpGet: { path: '/', port: 1 }, timeoutSeconds: 1 },
      }),
    );
    agent = new AgentServer({ ready: () => ready, probers, adminPort: () => 0 });
    agentPort = await agent.listen('127.0.0.1', 0);
  });

  after(async () => {
    await agent.close();
    await new Promise((r) => app.close(r));
  });

  const get = (path: string) =>
    new Promise<number>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: agentPort, path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject),
    );

  it('answers /healthz/ready from the proxy state', async () => {
    assert.equal(await get('/healthz/ready'), 503);
    ready = true;
    assert.equal(await get('/healthz/ready'), 200);
  });

  it('forwards the original app probes: pass, fail, app down, unknown', async () => {
    assert.equal(await get('/app-health/web/readyz'), 200);
    assert.equal(await get('/app-health/web/livez'), 500);
    assert.equal(await get('/app-health/web/startupz'), 503);
    assert.equal(await get('/app-health/other/readyz'), 404);
    assert.equal(await get('/stats/prometheus'), 503);
  });
});
