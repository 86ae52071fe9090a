/**
 * The injected init container runs `tandem iptables` with arguments the injector writes: the two must
 * agree. Each case injects a pod (with Istio's traffic annotations), takes the init container's
 * arguments and runs the real CLI on them with --dry-run (no root needed), checking the rules.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultInjectSettings, injectPod, SidecarNames } from '@tandem/control-plane';

const BIN = path.resolve(import.meta.dirname, '../bin/tandem.js');

function initArgs(annotations: Record<string, string>): string[] {
  const pod = {
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
  };
  const r = injectPod(pod, defaultInjectSettings({ nativeSidecar: true }), { namespace: 'shop' });
  const init = r.pod.spec.initContainers?.find((c) => c.name === SidecarNames.init);
  assert.ok(init !== undefined, 'the init container');
  const args = init.args ?? [];
  assert.equal(args[0], 'iptables');
  return args.slice(1);
}

function dryRun(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'iptables', ...args, '--dry-run'], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the injected init container and tandem iptables', () => {
  it('default injection: the CLI accepts the arguments and captures everything but the proxy UID', () => {
    const r = dryRun(initArgs({}));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /-A TANDEM_OUTPUT -m owner --uid-owner 1337 -j RETURN/);
    assert.match(r.stdout, /-A TANDEM_INBOUND -p tcp --dport 15020 -j RETURN/);
    assert.match(r.stdout, /-A TANDEM_OUTPUT -p tcp -j TANDEM_REDIRECT/);
  });

  it("Istio's traffic annotations become exclusions and inclusions the rules apply", () => {
    const r = dryRun(
      initArgs({
        'traffic.sidecar.istio.io/excludeInboundPorts': '9000',
        'traffic.sidecar.istio.io/excludeOutboundPorts': '5432',
        'traffic.sidecar.istio.io/includeOutboundPorts': '8443',
        'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.96.0.1/32',
      }),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /-A TANDEM_INBOUND -p tcp --dport 9000 -j RETURN/);
    assert.match(r.stdout, /-A TANDEM_OUTPUT -p tcp --dport 5432 -j RETURN/);
    assert.match(r.stdout, /-A TANDEM_OUTPUT -p tcp --dport 8443 -j TANDEM_REDIRECT/);
    assert.match(r.stdout, /-A TANDEM_OUTPUT -d 10\.96\.0\.1\/32 -j RETURN/);
  });

  it('refuses TPROXY interception with a message naming the annotation', () => {
    assert.throws(
      () => initArgs({ 'sidecar.istio.io/interceptionMode': 'TPROXY' }),
      /sidecar\.istio\.io\/interceptionMode: "TPROXY" is not supported by Tandem/,
    );
  });
});
