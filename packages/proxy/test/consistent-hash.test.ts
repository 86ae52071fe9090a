/**
 * Consistent hashing through the router: RING_HASH and MAGLEV clusters of three backends, with
 * route hash policies on a header, on a cookie (generated with a TTL when absent) and on the
 * source IP. One key always lands on one backend; many keys spread over all three.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binomialBounds, readStats } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { countBackends, httpRequest } from './helpers/http-client.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const POLICIES = ['RING_HASH', 'MAGLEV'] as const;

/** Each backend's count is within 4 binomial sigmas of an even share. */
function assertEvenSpread(counts: Map<string, number>, n: number, names: string[]): void {
  const { lo, hi } = binomialBounds(n, 1 / names.length);
  for (const name of names) {
    const c = counts.get(name) ?? 0;
    assert.ok(c >= lo && c <= hi, `${name} got ${c} of ${n}, expected ${lo.toFixed(1)}..${hi.toFixed(1)}`);
  }
}

describe('consistent hashing through the router', () => {
  const backends: Backend[] = [];
  let names: string[];
  let proxy: RunningProxy;
  let port: number;
  let dir: string;

  before(async () => {
    for (const n of ['h1', 'h2', 'h3']) backends.push(await startEchoBackend(n));
    names = backends.map((b) => b.name);
    const ports = backends.map((b) => b.port);
    const routes = POLICIES.flatMap((p) => {
      const cluster = p.toLowerCase();
      return [
        {
          match: { prefix: `/${cluster}/header` },
          route: { cluster, hash_policy: [{ header: { header_name: 'x-user' } }] },
        },
        {
          match: { prefix: `/${cluster}/cookie` },
          route: { cluster, hash_policy: [{ cookie: { name: 'sticky', ttl: '60s', path: '/' } }] },
        },
        {
          match: { prefix: `/${cluster}/ip` },
          route: { cluster, hash_policy: [{ connection_properties: { source_ip: true } }] },
        },
      ];
    });
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(routeConfig(routes))] }])],
        POLICIES.map((p) => staticCluster(p.toLowerCase(), ports, { lb_policy: p })),
      ),
    );
    port = proxy.port();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-hash-'));
  });

  after(async () => {
    await proxy?.stop();
    for (const b of backends) await b.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const policy of POLICIES) {
    const cluster = policy.toLowerCase();

    describe(policy, () => {
      it('sends one header value to one backend and spreads many values over all', async () => {
        const before = await readStats(proxy.adminPort);
        const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
        try {
          const same = await countBackends(40, 4, () =>
            httpRequest(port, `/${cluster}/header`, { headers: { 'x-user': 'user-42' }, agent }),
          );
          assert.equal(same.size, 1, `one key went to ${[...same.keys()].join(', ')}`);
          const n = 150;
          const spread = await countBackends(n, 8, (i) =>
            httpRequest(port, `/${cluster}/header`, { headers: { 'x-user': `user-${i}` }, agent }),
          );
          assertEvenSpread(spread, n, names);
        } finally {
          agent.destroy();
        }
        const after = await readStats(proxy.adminPort);
        const rq = `cluster.${cluster}.upstream_rq_total`;
        assert.equal(after.get(rq)! - (before.get(rq) ?? 0), 190);
        assert.equal(after.get(`cluster.${cluster}.membership_healthy`), 3);
        assert.equal(after.get(`cluster.${cluster}.lb_healthy_panic`) ?? 0, 0);
      });

      it('generates a sticky cookie with its TTL, then sticks to one backend with it', async () => {
        const jar = path.join(dir, `${cluster}.jar`);
        const first = await curl(['-c', jar, `http://127.0.0.1:${port}/${cluster}/cookie`]);
        assert.equal(first.status, 200);
        const setCookie = first.headers['set-cookie'];
        assert.equal(setCookie?.length, 1);
        assert.match(setCookie![0]!, /^sticky="[0-9a-f]{8}"; Max-Age=60; Path=\/; HttpOnly$/);
        const backend = first.headers['x-backend']![0];
        for (let i = 0; i < 10; i++) {
          // Every curl run is a new connection (a new source port), so only the cookie can keep
          // the request on its backend.
          const r = await curl(['-b', jar, `http://127.0.0.1:${port}/${cluster}/cookie`]);
          assert.equal(r.headers['x-backend']?.[0], backend, `request ${i}`);
          assert.equal(r.headers['set-cookie'], undefined, 'no new cookie when the client sent one');
        }
        const n = 150;
        const spread = await countBackends(n, 8, (i) =>
          httpRequest(port, `/${cluster}/cookie`, { headers: { cookie: `other=1; sticky=s${i}` } }),
        );
        assertEvenSpread(spread, n, names);
      });

      it('hashes on the source IP', async () => {
        const ips = Array.from({ length: 60 }, (_, i) => `127.0.0.${i + 2}`);
        const byIp = new Map<string, Set<string>>();
        const counts = new Map<string, number>();
        for (const ip of ips) {
          const seen = new Set<string>();
          for (let k = 0; k < 3; k++) {
            const r = await httpRequest(port, `/${cluster}/ip`, { localAddress: ip });
            assert.equal(r.status, 200);
            seen.add(String(r.headers['x-backend']));
          }
          byIp.set(ip, seen);
          const b = [...seen][0]!;
          counts.set(b, (counts.get(b) ?? 0) + 1);
        }
        for (const [ip, seen] of byIp) assert.equal(seen.size, 1, `${ip} went to ${[...seen].join(', ')}`);
        assertEvenSpread(counts, ips.length, names);
      });
    });
  }
});
