/**
 * Access logs in Envoy's default format and in JSON, written to a real file: a 200, a 503 with
 * UF (connection refused), a 504 with UT (route timeout), a 404 with NR, and a TCP connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, freePort, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster, TCP_PROXY_TYPE } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const FILE_LOG = 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog';

/** Envoy's default format, as a pattern. */
const DEFAULT_LINE =
  /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] "(\S+) (\S+) (\S+)" (\d+) (\S+) (\d+) (\d+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"$/;

async function waitForLines(file: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    try {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      if (lines.length >= n) return lines;
    } catch {}
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} lines in ${file}`);
}

describe('access logs', () => {
  let dir: string;
  let app: Backend;
  let proxy: RunningProxy;
  let textLog: string;
  let jsonLog: string;
  let tcpLog: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-alog-'));
    textLog = path.join(dir, 'text.log');
    jsonLog = path.join(dir, 'json.log');
    tcpLog = path.join(dir, 'tcp.log');
    app = await startEchoBackend('app');
    const closed = await freePort();
    const routes = routeConfig([
      { match: { prefix: '/refused' }, route: { cluster: 'refused' } },
      { match: { prefix: '/delay' }, route: { cluster: 'app', timeout: '0.2s' } },
      { match: { prefix: '/' }, route: { cluster: 'app' } },
    ]);
    routes['virtual_hosts'] = [
      {
        name: 'app',
        domains: ['app.local'],
        routes: (routes['virtual_hosts'] as { routes: unknown[] }[])[0]!.routes,
      },
    ];
    const logs = [
      { name: 'text', typed_config: { '@type': FILE_LOG, path: textLog } },
      {
        name: 'json',
        typed_config: {
          '@type': FILE_LOG,
          path: jsonLog,
          log_format: {
            json_format: {
              code: '%RESPONSE_CODE%',
              flags: '%RESPONSE_FLAGS%',
              req: '%REQ(:METHOD)% %REQ(:PATH)%',
              cluster: '%UPSTREAM_CLUSTER%',
              details: '%RESPONSE_CODE_DETAILS%',
            },
          },
        },
      },
    ];
    const tcp = {
      name: 'envoy.filters.network.tcp_proxy',
      typed_config: {
        '@type': TCP_PROXY_TYPE,
        stat_prefix: 'tcp',
        cluster: 'app',
        access_log: [
          {
            name: 'tcp',
            typed_config: {
              '@type': FILE_LOG,
              path: tcpLog,
              log_format: {
                text_format_source: {
                  inline_string: '%UPSTREAM_CLUSTER% %BYTES_RECEIVED% %RESPONSE_FLAGS%\n',
                },
              },
            },
          },
        ],
      },
    };
    proxy = await startProxy(
      bootstrap(
        [
          listener('http', [{ filters: [hcm(routes, { access_log: logs })] }]),
          listener('tcp', [{ filters: [tcp] }]),
        ],
        [staticCluster('app', [app.port]), staticCluster('refused', [closed])],
      ),
    );
  });

  after(async () => {
    await proxy?.stop();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes Envoy's default format for 200, 503 UF, 504 UT and 404 NR", async () => {
    const h = { host: 'app.local', 'user-agent': 'test-agent', 'x-request-id': 'rid-1' };
    assert.equal((await httpRequest(proxy.port('http'), '/ok?x=1', { headers: h })).status, 200);
    assert.equal((await httpRequest(proxy.port('http'), '/refused', { headers: h })).status, 503);
    assert.equal((await httpRequest(proxy.port('http'), '/delay/1000', { headers: h })).status, 504);
    assert.equal((await httpRequest(proxy.port('http'), '/', { headers: { host: 'other' } })).status, 404);
    const lines = await waitForLines(textLog, 4);
    const parsed = lines.map((l) => {
      const m = DEFAULT_LINE.exec(l);
      assert.ok(m, `not Envoy's default format: ${l}`);
      return m;
    });
    const [ok, uf, ut, nr] = parsed;
    assert.deepEqual(ok!.slice(2, 7), ['GET', '/ok?x=1', 'HTTP/1.1', '200', '-']);
    assert.equal(ok![11], '-', 'no x-forwarded-for');
    assert.deepEqual(ok!.slice(12, 16), ['test-agent', 'rid-1', 'app.local', `127.0.0.1:${app.port}`]);
    assert.match(ok![10]!, /^\d+$/, 'x-envoy-upstream-service-time');
    assert.deepEqual([uf![5], uf![6], uf![10]], ['503', 'UF', '-']);
    assert.deepEqual([ut![5], ut![6]], ['504', 'UT']);
    assert.ok(Number(ut![9]) >= 200, `duration ${ut![9]} covers the 200 ms timeout`);
    assert.deepEqual([nr![5], nr![6], nr![15]], ['404', 'NR', '-']);
  });

  it('writes JSON lines with typed values', async () => {
    const lines = await waitForLines(jsonLog, 4);
    const first = lines.slice(0, 4).map((l) => JSON.parse(l));
    assert.deepEqual(first[0], {
      code: 200,
      flags: null,
      req: 'GET /ok?x=1',
      cluster: 'app',
      details: 'via_upstream',
    });
    assert.deepEqual(first[1], {
      code: 503,
      flags: 'UF',
      req: 'GET /refused',
      cluster: 'refused',
      details: 'upstream_reset_before_response_started{connection_failure}',
    });
    assert.equal(first[2].details, 'response_timeout');
    assert.deepEqual(first[3], {
      code: 404,
      flags: 'NR',
      req: 'GET /',
      cluster: null,
      details: 'route_not_found',
    });
  });

  it('logs a TCP connection when it closes', async () => {
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(proxy.port('tcp'), '127.0.0.1', () => {
        s.end('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      });
      s.on('data', () => {});
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const [line] = await waitForLines(tcpLog, 1);
    assert.equal(line, `app ${'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'.length} -`);
  });
});
