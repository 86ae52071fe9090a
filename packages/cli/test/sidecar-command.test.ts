/**
 * `tandem sidecar` as the injected container runs it: configured only by the environment the injector
 * writes (downward API values given here as plain env) and the labels file, it connects to a real
 * ControlPlane, which sees the node id and metadata a Kubernetes pod would have; its health endpoint
 * turns ready and `tandem sidecar-wait` returns.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, parseIstioFile } from '@tandem/control-plane';
import { run } from '../../proxy/test/helpers/exec.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/tandem.js');
let cp: ControlPlane;
let child: ChildProcess;
let stderr = '';

before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-sidecar-'));
  const podInfo = path.join(dir, 'pod');
  const configDir = path.join(dir, 'config');
  for (const d of [podInfo, configDir]) await import('node:fs').then((fs) => fs.mkdirSync(d));
  writeFileSync(path.join(podInfo, 'labels'), 'app="web"\nversion="v2"\n');
  cp = new ControlPlane({ configDir, parse: parseIstioFile, watch: false, log: () => {} });
  await cp.start();
  const xdsPort = await cp.ads.listen('127.0.0.1:0');
  child = spawn(process.execPath, [BIN, 'sidecar'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      POD_NAME: 'web-1',
      POD_NAMESPACE: 'shop',
      INSTANCE_IP: '127.0.0.1',
      SERVICE_ACCOUNT: 'web-sa',
      TANDEM_CONTROL_PLANE: `127.0.0.1:${xdsPort}`,
      TANDEM_META_CLUSTER_ID: 'Kubernetes',
      TANDEM_META_INTERCEPTION_MODE: 'NONE',
      TANDEM_META_WORKLOAD_NAME: 'web',
      TANDEM_POD_INFO_DIR: podInfo,
      TANDEM_BOOTSTRAP_DIR: dir,
      TANDEM_ADMIN_PORT: '0',
      TANDEM_AGENT_PORT: '0',
      TANDEM_HEALTH_PORT: '0',
      TANDEM_AGENT_HOST: '127.0.0.1',
    },
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr += d));
});

after(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await cp.stop();
});

async function eventually<T>(fn: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 45000;
  while (Date.now() < deadline) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}:\n${stderr}`);
}

describe('tandem sidecar', () => {
  it('connects as the pod the environment describes, turns ready, and exits on SIGTERM', async () => {
    const proxy = await eventually(() => cp.connectedProxies()[0], 'proxy connected');
    assert.equal(proxy.info.id, 'sidecar~127.0.0.1~web-1.shop~shop.svc.cluster.local');
    assert.equal(proxy.info.namespace, 'shop');
    assert.deepEqual(proxy.info.labels, { app: 'web', version: 'v2' });
    assert.equal(proxy.info.serviceAccount, 'web-sa');
    assert.equal(proxy.info.workloadName, 'web');
    const m = await eventually(() => stderr.match(/health on (\d+)/) ?? undefined, 'health port');
    const wait = await run(
      process.execPath,
      [BIN, 'sidecar-wait', '--url', `http://127.0.0.1:${m[1]}/healthz/ready`, '--timeout-s', '40'],
      {
        timeoutMs: 60000,
      },
    );
    assert.equal(wait.code, 0, wait.stderr + stderr);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0, stderr);
  });
});
