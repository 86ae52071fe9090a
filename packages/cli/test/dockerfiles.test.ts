/**
 * The Dockerfiles, checked without a Docker engine (none runs on these machines): every file they
 * copy from the repository exists; the proxy image runs as the UID interception exempts; and the
 * image layout they describe works: the bundle is built (as the build stage does), the files the
 * runtime stage copies are laid out in a temporary TANDEM_HOME the same way, and the entrypoint
 * wrapper runs from it: `install --dry-run` renders the bundled chart, and `sidecar` loads its
 * .proto files from the copied packages and connects to a real control plane.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, defaultInjectSettings, parseIstioFile } from '@tandem/control-plane';
import { parse } from 'yaml';
import { buildBundle } from '../../../scripts/build-bundle.ts';
import { run } from '../../proxy/test/helpers/exec.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DOCKER = path.join(ROOT, 'deploy/docker');

interface Copy {
  fromBuild: boolean;
  sources: string[];
  dest: string;
}

function copies(dockerfile: string): Copy[] {
  const text = readFileSync(path.join(DOCKER, dockerfile), 'utf8').replace(/\\\n/g, ' ');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  return runtime
    .split('\n')
    .filter((l) => l.startsWith('COPY '))
    .map((l) => {
      const words = l.split(/\s+/).slice(1);
      const fromBuild = words[0] === '--from=build';
      const rest = fromBuild ? words.slice(1) : words;
      return { fromBuild, sources: rest.slice(0, -1), dest: rest[rest.length - 1]! };
    });
}

/** Lays out TANDEM_HOME (/opt/tandem) from the Dockerfile's runtime COPY lines; /src is the build stage. */
function layout(dockerfile: string, buildRoot: string, distDir: string): string {
  const home = mkdtempSync(path.join(tmpdir(), 'tandem-image-'));
  for (const c of copies(dockerfile)) {
    if (!c.dest.startsWith('/opt/tandem')) continue;
    for (const src of c.sources) {
      const from = c.fromBuild
        ? src === '/src/dist'
          ? distDir
          : path.join(buildRoot, src.replace(/^\/src\//, ''))
        : path.join(ROOT, src);
      const to = path.join(home, c.dest.replace(/^\/opt\/tandem\/?/, ''));
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
    }
  }
  return home;
}

let dist: string;
before(() => {
  dist = path.join(mkdtempSync(path.join(tmpdir(), 'tandem-dist-')), 'dist');
  buildBundle(ROOT, dist);
});

describe('Dockerfiles', () => {
  for (const file of ['proxy.Dockerfile', 'control-plane.Dockerfile']) {
    it(`${file}: copies files that exist, non-root, entrypoint copied`, () => {
      const text = readFileSync(path.join(DOCKER, file), 'utf8');
      for (const c of copies(file).filter((x) => !x.fromBuild))
        for (const s of c.sources) assert.ok(existsSync(path.join(ROOT, s)), `${file}: ${s}`);
      for (const c of copies(file).filter((x) => x.fromBuild))
        for (const s of c.sources)
          assert.ok(
            s === '/src/dist' || existsSync(path.join(ROOT, s.replace(/^\/src\//, ''))),
            `${file}: ${s}`,
          );
      assert.match(text, /^USER 1337:1337$/m);
      assert.match(text, /^ENTRYPOINT \["\/usr\/local\/bin\/tandem"\]$/m);
      assert.ok(copies(file).some((c) => c.dest === '/usr/local/bin/tandem'));
      assert.match(text, /^FROM node:20-/m);
    });
  }

  it('the proxy runs as the UID the injector exempts from interception', () => {
    const values = parse(readFileSync(path.join(ROOT, 'deploy/helm/tandem/values.yaml'), 'utf8'));
    assert.equal(defaultInjectSettings().proxyUid, 1337);
    assert.equal(values.proxy.uid, 1337);
    assert.match(
      readFileSync(path.join(DOCKER, 'proxy.Dockerfile'), 'utf8'),
      /^RUN apt-get update \\\n.*iptables/m,
    );
  });

  it('control-plane image layout: the entrypoint renders the bundled chart', async () => {
    const home = layout('control-plane.Dockerfile', ROOT, dist);
    const env = { ...process.env, TANDEM_HOME: home, TANDEM_CHART_DIR: '' };
    const r = await run('sh', [path.join(DOCKER, 'tandem.sh'), 'install', '--dry-run'], {
      env,
      timeoutMs: 60000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(path.join(ROOT, 'deploy/manifests/tandem.yaml'), 'utf8'));
  });

  describe('proxy image layout: the entrypoint runs the sidecar, which loads its protos and connects', () => {
    let cp: ControlPlane;
    before(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tandem-cfg-'));
      cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, watch: false, log: () => {} });
      await cp.start();
    });
    after(() => cp.stop());

    it('connects', async () => {
      const xdsPort = await cp.ads.listen('127.0.0.1:0');
      const home = layout('proxy.Dockerfile', ROOT, dist);
      const child = spawn('sh', [path.join(DOCKER, 'tandem.sh'), 'sidecar'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          TANDEM_HOME: home,
          POD_NAME: 'img-1',
          POD_NAMESPACE: 'default',
          INSTANCE_IP: '127.0.0.1',
          TANDEM_CONTROL_PLANE: `127.0.0.1:${xdsPort}`,
          TANDEM_META_INTERCEPTION_MODE: 'NONE',
          TANDEM_POD_INFO_DIR: home,
          TANDEM_ADMIN_PORT: '0',
          TANDEM_AGENT_PORT: '0',
          TANDEM_HEALTH_PORT: '0',
          TANDEM_AGENT_HOST: '127.0.0.1',
        },
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      try {
        const deadline = Date.now() + 45000;
        while (cp.connectedProxies().length === 0 && Date.now() < deadline && child.exitCode === null)
          await new Promise((r) => setTimeout(r, 50));
        assert.equal(
          cp.connectedProxies()[0]?.info.id,
          'sidecar~127.0.0.1~img-1.default~default.svc.cluster.local',
          stderr,
        );
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      }
    });
  });
});
