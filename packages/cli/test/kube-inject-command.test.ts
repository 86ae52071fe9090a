/**
 * `tandem kube-inject` as a user runs it (the real CLI; testdata read in place): bookinfo's
 * Deployments are injected and its Services and ServiceAccounts come out as they went in; every
 * workload kind is injected from a multi-document stream on stdin; bad annotations exit 1.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { run } from '../../proxy/test/helpers/exec.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'packages/cli/bin/tandem.js');
const SHARED = path.resolve(ROOT, '../shared/testdata');
const BOOKINFO = path.join(SHARED, 'istio/samples/bookinfo/platform/kube/bookinfo.yaml');

const kubeInject = (args: string[], input?: string) =>
  run(process.execPath, [BIN, 'kube-inject', ...args], { timeoutMs: 60000, input });

type Obj = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJSON() as Obj | null)
    .filter((d): d is Obj => d !== null);

function templateContainers(o: Obj): { name: string; restartPolicy?: string }[] {
  let spec = o.spec;
  if (o.kind === 'CronJob') spec = (spec.jobTemplate as { spec: Record<string, unknown> }).spec;
  const pod = o.kind === 'Pod' ? o : (spec.template as Obj);
  const s = pod.spec as { containers: []; initContainers?: [] };
  return [...(s.initContainers ?? []), ...s.containers];
}

describe('tandem kube-inject', () => {
  it('injects every bookinfo Deployment and leaves Services and ServiceAccounts intact', async () => {
    const r = await kubeInject(['-f', BOOKINFO]);
    assert.equal(r.code, 0, r.stderr);
    const input = docs(readFileSync(BOOKINFO, 'utf8'));
    const output = docs(r.stdout);
    assert.equal(output.length, input.length);
    assert.ok(r.stdout.startsWith('# Copyright Istio Authors'), 'leading comments kept');
    let deployments = 0;
    output.forEach((o, i) => {
      if (o.kind === 'Deployment') {
        deployments++;
        const names = templateContainers(o).map((c) => c.name);
        assert.deepEqual(names.slice(0, 2), ['tandem-init', 'tandem-proxy'], o.metadata.name);
      } else {
        assert.deepEqual(o, input[i], `${o.kind} ${o.metadata.name} unchanged`);
      }
    });
    assert.equal(deployments, 6);
    assert.match(r.stderr, /6 injected, 0 skipped, 8 passed through/);
  });

  it('injects each workload kind from stdin; other kinds pass through; classic sidecars before 1.28', async () => {
    const pod = { containers: [{ name: 'app', image: 'app:1' }] };
    const template = { metadata: { labels: { app: 'a' } }, spec: pod };
    const objects = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template } },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: { jobTemplate: { spec: { template } } },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: pod },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } },
    ];
    const text = objects.map((o) => JSON.stringify(o)).join('\n---\n');
    const r = await kubeInject(['-f', '-', '--kubernetes-version', 'v1.27.4'], text);
    assert.equal(r.code, 0, r.stderr);
    const out = docs(r.stdout);
    for (const o of out.slice(0, 6)) {
      const proxy = templateContainers(o).find((c) => c.name === 'tandem-proxy');
      assert.ok(proxy, o.kind);
      assert.equal(proxy.restartPolicy, undefined, 'classic sidecar on 1.27');
    }
    assert.deepEqual(out[6], objects[6]);
  });

  it('exits 1 naming the object and annotation for an invalid annotation', async () => {
    const r = await kubeInject([
      '-f',
      path.join(SHARED, 'inject/curated/traffic-annotations-bad-excludeinboundports.yaml'),
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /Deployment traffic: annotation traffic\.sidecar\.istio\.io\/excludeInboundPorts: "\*" is not a comma-separated list of ports \[TANDEM_ERR_INJECT_ANNOTATION\]/,
    );
  });

  it('exits 2 for a file it cannot read', async () => {
    const r = await kubeInject(['-f', '/nonexistent.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read \/nonexistent.yaml: ENOENT/);
  });
});
