/**
 * ControlPlane.reload on a real config directory: calls made while a reload runs share the next
 * one, which starts after it, and the applied config is that of the last write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-reload-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const serviceEntry = (host: string): string => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: svc, namespace: default }
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 80, name: http, protocol: HTTP }]
  endpoints: [{ address: 10.0.0.1 }]
`;

describe('ControlPlane.reload', () => {
  it('runs one reload at a time; calls during one share the next, which sees the last write', async () => {
    writeFileSync(join(dir, 'svc.yaml'), serviceEntry('a.example'));
    const cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, watch: false, log: () => {} });
    await cp.start();
    try {
      assert.deepEqual([...cp.meshSnapshot.services.keys()], ['a.example']);
      writeFileSync(join(dir, 'svc.yaml'), serviceEntry('b.example'));
      const running = cp.reload();
      const first = cp.reload();
      assert.equal(first, running, 'a reload not started yet is shared');
      await null; // it starts
      writeFileSync(join(dir, 'svc.yaml'), serviceEntry('c.example'));
      const second = cp.reload();
      const third = cp.reload();
      assert.notEqual(second, running, 'a call during a reload queues the next one');
      assert.equal(third, second, 'calls while one is queued share it');
      await running;
      await third;
      assert.deepEqual([...cp.meshSnapshot.services.keys()], ['c.example']);
    } finally {
      await cp.stop();
    }
  });
});
