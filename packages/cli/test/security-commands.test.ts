/**
 * The security commands end to end, as processes: `tandem ca token` mints a bootstrap credential,
 * `tandem proxy --ca-address --ca-token-file` gets its workload certificate from the control plane's CA,
 * `tandem proxy-config secret` shows the proxy's certificate and trust bundle from its admin API, and
 * `tandem ca root-cert` prints the root the control plane serves.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDebugHandlers, ControlPlane, DebugServer, parseIstioFile } from '@tandem/control-plane';
import { adsBootstrap } from '../../proxy/test/helpers/ads-bootstrap.ts';
import { run } from '../../proxy/test/helpers/exec.ts';
import { type ProxyProcess, spawnProxy, TANDEM_BIN } from '../../proxy/test/helpers/proxy-process.ts';

const MESH = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints: [{ address: 127.0.0.1, ports: { http: 1 }, labels: { security.istio.io/tlsMode: istio } }]
`;

describe('tandem ca / proxy --ca-address / proxy-config secret', () => {
  let dir: string;
  let cp: ControlPlane;
  let debug: DebugServer;
  let debugPort: number;
  let proxy: ProxyProcess;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-cli-sec-'));
    mkdirSync(path.join(dir, 'config'));
    writeFileSync(path.join(dir, 'config', 'mesh.yaml'), MESH);
    cp = new ControlPlane({
      configDir: path.join(dir, 'config'),
      parse: parseIstioFile,
      log: () => {},
      security: { caDir: path.join(dir, 'ca') },
    });
    await cp.start();
    const xdsPort = await cp.ads.listen('127.0.0.1:0');
    debug = new DebugServer(buildDebugHandlers(cp));
    debugPort = await debug.listen('127.0.0.1', 0);
    const token = await run(process.execPath, [
      TANDEM_BIN,
      'ca',
      'token',
      '--ca-dir',
      path.join(dir, 'ca'),
      '--namespace',
      'default',
      '--service-account',
      'web',
    ]);
    assert.equal(token.code, 0, token.stderr);
    writeFileSync(path.join(dir, 'token'), token.stdout);
    const bootstrap = adsBootstrap(xdsPort) as { node: { metadata: Record<string, unknown> } };
    bootstrap.node.metadata = {
      NAMESPACE: 'default',
      SERVICE_ACCOUNT: 'web',
      INTERCEPTION_MODE: 'NONE',
      OUTBOUND_LISTENERS: 'http-proxy',
    };
    writeFileSync(path.join(dir, 'bootstrap.json'), JSON.stringify(bootstrap));
    proxy = await spawnProxy(path.join(dir, 'bootstrap.json'), [
      '--ca-address',
      `127.0.0.1:${xdsPort}`,
      '--ca-token-file',
      path.join(dir, 'token'),
    ]);
  });

  after(async () => {
    await proxy?.stop();
    await debug?.close();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the workload certificate and the trust bundle of a proxy', async () => {
    const certs = async () => (await fetch(`http://127.0.0.1:${proxy.adminPort}/certs`)).text();
    for (let i = 0; i < 200 && !/ROOTCA/.test(await certs()); i++)
      await new Promise((r) => setTimeout(r, 50));
    const args = [TANDEM_BIN, 'proxy-config', 'secret', `127.0.0.1:${proxy.adminPort}`];
    const out = (await run(process.execPath, args)).stdout;
    assert.match(
      out,
      /^RESOURCE NAME\s+TYPE\s+ORIGIN\s+SERIAL NUMBER\s+SAN\s+NOT BEFORE\s+NOT AFTER\s+DAYS LEFT$/m,
    );
    assert.match(
      out,
      /^default\s+Cert Chain\s+local\s+[0-9a-f]+\s+spiffe:\/\/cluster\.local\/ns\/default\/sa\/web\s+\S+\s+\S+\s+0$/m,
    );
    assert.match(out, /^ROOTCA\s+CA\s+sds\s+[0-9a-f]+\s+-\s+\S+\s+\S+\s+36\d\d$/m);
    const json = JSON.parse(
      (
        await run(process.execPath, [
          TANDEM_BIN,
          'proxy-config',
          'secret',
          `127.0.0.1:${proxy.adminPort}`,
          '-o',
          'json',
        ])
      ).stdout,
    );
    assert.equal(json.workload_identity.subjectAltNames, 'URI:spiffe://cluster.local/ns/default/sa/web');
    assert.doesNotMatch(JSON.stringify(json), /PRIVATE KEY/);
  });

  it('prints the root certificate from the control plane and from the CA directory', async () => {
    const fromCp = await run(process.execPath, [
      TANDEM_BIN,
      'ca',
      'root-cert',
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ]);
    assert.equal(fromCp.code, 0, fromCp.stderr);
    assert.equal(fromCp.stdout, readFileSync(path.join(dir, 'ca', 'root-cert.pem'), 'utf8'));
    const fromDir = await run(process.execPath, [
      TANDEM_BIN,
      'ca',
      'root-cert',
      '--ca-dir',
      path.join(dir, 'ca'),
    ]);
    assert.equal(fromDir.stdout, fromCp.stdout);
  });
});
