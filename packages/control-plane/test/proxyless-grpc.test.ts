/**
 * Proxyless gRPC, end to end: real @grpc/grpc-js-xds servers and a client (in a child process,
 * bootstrapped with GRPC_XDS_BOOTSTRAP) take all their config from Tandem's control plane, which
 * reads Istio YAML from a directory. Weighted split, header routing, fault abort and delay, a
 * timeout, and a live config change, each observed on real calls.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../proxy/test/helpers/free-port.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';

const DRIVER = path.join(import.meta.dirname, 'helpers/grpc-xds-driver.ts');

function services(p1: number, p2: number): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: echo, namespace: default }
spec:
  hosts: [echo.test]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: grpc, protocol: GRPC }]
  endpoints:
    - { address: 127.0.0.1, ports: { grpc: ${p1} }, labels: { version: v1 } }
    - { address: 127.0.0.1, ports: { grpc: ${p2} }, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: echo, namespace: default }
spec:
  host: echo.test
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
`;
}

function virtualService(v1Weight: number, v2Weight: number): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: echo, namespace: default }
spec:
  hosts: [echo.test]
  http:
    - match: [{ headers: { x-route: { exact: v2 } } }]
      route: [{ destination: { host: echo.test, subset: v2 } }]
    - match: [{ headers: { x-fault: { exact: abort } } }]
      fault: { abort: { grpcStatus: UNAVAILABLE, percentage: { value: 100 } } }
      route: [{ destination: { host: echo.test, subset: v1 } }]
    - match: [{ headers: { x-fault: { exact: delay } } }]
      fault: { delay: { fixedDelay: 300ms, percentage: { value: 100 } } }
      route: [{ destination: { host: echo.test, subset: v1 } }]
    - match: [{ headers: { x-fault: { exact: slow } } }]
      fault: { delay: { fixedDelay: 2s, percentage: { value: 100 } } }
      timeout: 200ms
      route: [{ destination: { host: echo.test, subset: v1 } }]
    - route:
        - { destination: { host: echo.test, subset: v1 }, weight: ${v1Weight} }
        - { destination: { host: echo.test, subset: v2 }, weight: ${v2Weight} }
`;
}

interface CallResult {
  id: number;
  backends: Record<string, number>;
  errors: Record<string, number>;
  maxMs: number;
  minMs: number;
}

describe('proxyless gRPC configured by the control plane', () => {
  let dir: string;
  let cp: ControlPlane;
  let child: ChildProcess;
  let nextId = 1;
  const pending = new Map<number, (r: CallResult) => void>();

  const calls = (
    n: number,
    metadata: Record<string, string> = {},
    deadlineMs = 5000,
  ): Promise<CallResult> => {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      child.stdin!.write(`${JSON.stringify({ id, n, metadata, deadlineMs })}\n`);
    });
  };

  /** Repeats small batches until `ok` holds (config propagation is asynchronous), bounded. */
  const until = async (
    what: string,
    n: number,
    md: Record<string, string>,
    ok: (r: CallResult) => boolean,
  ): Promise<CallResult> => {
    for (let i = 0; i < 100; i++) {
      const r = await calls(n, md);
      if (ok(r)) return r;
    }
    throw new Error(`never saw: ${what}`);
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-grpc-xds-'));
    const [p1, p2] = [await freePort(), await freePort()];
    writeFileSync(path.join(dir, 'services.yaml'), services(p1, p2));
    writeFileSync(path.join(dir, 'routes.yaml'), virtualService(80, 20));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, debounceQuietMs: 20, log: () => {} });
    await cp.start();
    const xdsPort = await cp.ads.listen('127.0.0.1:0');
    const bootstrap = {
      xds_servers: [
        { server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: [] },
      ],
      node: {
        id: 'echo-app',
        locality: { zone: 'z1' },
        metadata: { NAMESPACE: 'default', GENERATOR: 'grpc', INSTANCE_IPS: '127.0.0.1' },
      },
      server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
    };
    writeFileSync(path.join(dir, '..', `${path.basename(dir)}-bootstrap.json`), JSON.stringify(bootstrap));
    child = spawn(process.execPath, ['--import', 'tsx', DRIVER, String(p1), String(p2)], {
      env: {
        ...process.env,
        GRPC_XDS_BOOTSTRAP: path.join(dir, '..', `${path.basename(dir)}-bootstrap.json`),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`driver exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as CallResult & { ready?: boolean };
        if (msg.ready) return resolve();
        pending.get(msg.id)?.(msg);
        pending.delete(msg.id);
      });
    });
    await ready;
  });

  after(async () => {
    child?.stdin?.end();
    if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
    await cp?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
      rmSync(path.join(dir, '..', `${path.basename(dir)}-bootstrap.json`), { force: true });
    }
  });

  it('splits calls 80/20 by VirtualService weights', async () => {
    await until('both backends', 20, {}, (r) => (r.backends['v1'] ?? 0) > 0 && (r.backends['v2'] ?? 0) > 0);
    const r = await calls(600);
    assert.deepEqual(r.errors, {});
    const share = (r.backends['v1'] ?? 0) / 600;
    // sd of the share is sqrt(0.8*0.2/600) = 1.6%; allow 4 sigma.
    assert.ok(share > 0.735 && share < 0.865, `v1 share ${share}`);
  });

  it('routes by header match', async () => {
    const r = await calls(50, { 'x-route': 'v2' });
    assert.deepEqual(r.backends, { v2: 50 });
  });

  it('injects an abort fault (gRPC UNAVAILABLE)', async () => {
    const r = await calls(20, { 'x-fault': 'abort' });
    assert.deepEqual(r.errors, { '14': 20 });
  });

  it('injects a delay fault', async () => {
    const r = await calls(3, { 'x-fault': 'delay' });
    assert.deepEqual(r.backends, { v1: 3 });
    assert.ok(r.minMs >= 290, `fastest call took ${r.minMs} ms`);
  });

  it('enforces the route timeout (DEADLINE_EXCEEDED)', async () => {
    const r = await calls(3, { 'x-fault': 'slow' });
    assert.deepEqual(r.errors, { '4': 3 });
    assert.ok(r.maxMs < 1500, `slowest call took ${r.maxMs} ms`);
  });

  it('applies a config change without restarting the client', async () => {
    writeFileSync(path.join(dir, 'routes.yaml'), virtualService(0, 100));
    await until('all calls on v2', 20, {}, (r) => r.backends['v2'] === 20);
    const r = await calls(100);
    assert.deepEqual(r.backends, { v2: 100 });
  });
});
