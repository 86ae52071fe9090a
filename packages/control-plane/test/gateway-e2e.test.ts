/**
 * Ingress end to end: a ControlPlane reading Istio's bookinfo Gateway and VirtualService (the sample
 * itself, read in place), a ServiceEntry for `productpage` pointing at a real HTTP server, and a Tandem
 * proxy running as the ingress gateway (`router~...`, labels `istio: ingressgateway`) over ADS. curl goes
 * through the gateway: /productpage reaches the backend, anything else is 404. An HTTPS server on the same
 * gateway terminates TLS with certificate files and routes by SNI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import { createTestPki, type TestPki } from '../../proxy/src/tls/testing/test-pki.ts';
import { adsBootstrap } from '../../proxy/test/helpers/ads-bootstrap.ts';
import { curl } from '../../proxy/test/helpers/exec.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';

const BOOKINFO_GATEWAY = path.resolve(
  import.meta.dirname,
  '../../../../shared/testdata/istio/samples/bookinfo/networking/bookinfo-gateway.yaml',
);
const GATEWAY_ID = 'router~127.0.0.1~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local';

function productpage(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`productpage saw ${req.method} ${req.url} for ${req.headers.host}`));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    ),
  );
}

function serviceEntry(port: number): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: productpage, namespace: default }
spec:
  hosts: [productpage.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  endpoints:
    - { address: 127.0.0.1, ports: { http: ${port} }, labels: { app: productpage } }
`;
}

function httpsGateway(pki: TestPki): string {
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: secure-gateway, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 8443, name: https, protocol: HTTPS }
      hosts: [default/server.example.com]
      tls:
        mode: SIMPLE
        serverCertificate: ${pki.file('server.pem')}
        privateKey: ${pki.file('server.key')}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: secure, namespace: default }
spec:
  hosts: [server.example.com]
  gateways: [istio-system/secure-gateway]
  http:
    - route: [{ destination: { host: productpage, port: { number: 9080 } } }]
`;
}

async function startGateway(xdsPort: number): Promise<ProxyServer> {
  const raw = adsBootstrap(xdsPort, { initialFetchTimeout: '5s' }) as { node: Record<string, unknown> };
  raw.node = {
    id: GATEWAY_ID,
    cluster: 'istio-ingressgateway',
    metadata: {
      NAMESPACE: 'istio-system',
      LABELS: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
      TANDEM_GATEWAY_LISTEN: { '8080': '127.0.0.1:0', '8443': '127.0.0.1:0' },
    },
    locality: { zone: 'z1' },
  };
  const v = validateBootstrap(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const proxy = new ProxyServer({ bootstrap: v.bootstrap, raw, log: () => {}, drainTimeMs: 500 });
  await proxy.start();
  await proxy.whenListenersWarm();
  return proxy;
}

describe('ingress through a Tandem gateway configured from Istio Gateway + VirtualService', () => {
  let dir: string;
  let pki: TestPki;
  let backend: { server: http.Server; port: number };
  let cp: ControlPlane;
  let gateway: ProxyServer;

  before(async () => {
    pki = createTestPki();
    backend = await productpage();
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-gateway-'));
    // The sample is read from its place in the shared testdata; only this temporary directory holds a copy.
    writeFileSync(path.join(dir, 'bookinfo-gateway.yaml'), readFileSync(BOOKINFO_GATEWAY, 'utf8'));
    writeFileSync(path.join(dir, 'productpage.yaml'), serviceEntry(backend.port));
    writeFileSync(path.join(dir, 'secure.yaml'), httpsGateway(pki));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, watch: false, log: () => {} });
    await cp.start();
    assert.deepEqual(cp.store.currentRejections(), []);
    const xdsPort = await cp.ads.listen('127.0.0.1:0');
    gateway = await startGateway(xdsPort);
  });

  after(async () => {
    await gateway?.stop(0);
    await cp?.stop();
    backend?.server.close();
    pki?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes GET /productpage to the backend and answers 404 for other paths (curl)', async () => {
    const port = gateway.listenerPort('0.0.0.0_8080');
    // Bound where TANDEM_GATEWAY_LISTEN said: loopback, an OS-assigned port.
    assert.deepEqual(
      gateway.listeners().find((l) => l.name === '0.0.0.0_8080'),
      { name: '0.0.0.0_8080', address: '127.0.0.1', port },
    );
    const page = await curl([`http://127.0.0.1:${port}/productpage`]);
    assert.equal(page.status, 200, page.raw.stderr);
    assert.equal(page.body, `productpage saw GET /productpage for 127.0.0.1:${port}`);
    const other = await curl([`http://127.0.0.1:${port}/other`]);
    assert.equal(other.status, 404);
  });

  it('terminates TLS for the HTTPS server and routes by SNI (curl verifies the certificate)', async () => {
    const port = gateway.listenerPort('0.0.0.0_8443');
    const url = `https://server.example.com:${port}/productpage`;
    const page = await curl([
      '--cacert',
      pki.file('ca.pem'),
      '--resolve',
      `server.example.com:${port}:127.0.0.1`,
      url,
    ]);
    assert.equal(page.status, 200, page.raw.stderr);
    assert.equal(page.body, `productpage saw GET /productpage for server.example.com:${port}`);
  });

  it('reports nothing it could not apply for the gateway proxy', () => {
    const proxy = cp.connectedProxies().find((p) => p.key === GATEWAY_ID);
    assert.ok(proxy !== undefined, 'the gateway is connected');
    assert.deepEqual(proxy.notes, []);
  });
});
