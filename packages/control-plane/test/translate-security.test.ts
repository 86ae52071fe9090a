/**
 * Translation of the security kinds, checked on the generated resources (each validated as the proxy
 * would): PeerAuthentication precedence and modes on inbound listeners, auto mTLS and DestinationRule
 * `tls` on clusters, AuthorizationPolicy on TCP ports (network RBAC, Istio's HTTP-only field rules).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { buildMeshSnapshot } from '../src/model/mesh-snapshot.ts';
import { parseProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import { translate } from '../src/translate/translate.ts';
import type { Json } from '../src/translate/xds-resources.ts';
import { assertAllValid } from './simulate.ts';

const SECURITY = { mtls: true, trustDomain: 'cluster.local', rootNamespace: 'istio-system', jwks: new Map() };

function translateYaml(yaml: string, labels: Record<string, string>, ns = 'default') {
  const parsed = parseIstioFile(yaml, 'test.yaml');
  assert.deepEqual(parsed.rejected, []);
  const snapshot = buildMeshSnapshot(
    '1',
    parsed.objects,
    servicesFromConfig(parsed.objects),
    undefined,
    SECURITY,
  );
  const proxy = parseProxyInfo({
    id: `sidecar~127.0.0.1~w.${ns}~${ns}.svc.cluster.local`,
    metadata: { NAMESPACE: ns, LABELS: labels, INTERCEPTION_MODE: 'NONE' },
  });
  const res = translate(snapshot, proxy);
  assertAllValid(res);
  return res;
}

const ingress = (ports: [number, string][]) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: default }
spec:
  workloadSelector: { labels: { app: web } }
  ingress:
${ports.map(([p, proto]) => `    - { port: { number: ${p}, protocol: ${proto}, name: p${p} }, defaultEndpoint: "127.0.0.1:${p + 1}" }`).join('\n')}
`;

const chains = (l: Json | undefined) =>
  ((l?.['filter_chains'] ?? []) as Json[]).map(
    (c) => `${c['name'] ?? ''}:${c['transport_socket'] ? 'tls' : 'plain'}`,
  );

describe('translate: PeerAuthentication', () => {
  it('a PERMISSIVE port has an mTLS and a plaintext chain, each patched once by an inbound EnvoyFilter', () => {
    // Istio's local rate limit task's EnvoyFilter (read in place) targets productpage's inbound port 8000.
    const envoyFilter = readFileSync(
      path.resolve(
        import.meta.dirname,
        '../../../../shared/testdata/istio/samples/ratelimit/local-rate-limit-service.yaml',
      ),
      'utf8',
    );
    const productpage = ingress([[8000, 'HTTP']]).replace(/\bweb\b/g, 'productpage');
    const res = translateYaml(`${productpage}---\n${envoyFilter}`, { app: 'productpage' });
    const listener = res.listeners.get('0.0.0.0_8000');
    assert.deepEqual(chains(listener), ['mtls:tls', 'plaintext:plain']);
    for (const chain of (listener?.['filter_chains'] ?? []) as Json[]) {
      const hcm = (chain['filters'] as Json[]).at(-1)!['typed_config'] as Json;
      const names = (hcm['http_filters'] as { name: string }[]).map((f) => f.name);
      assert.equal(
        names.filter((n) => n === 'envoy.filters.http.local_ratelimit').length,
        1,
        names.join(', '),
      );
    }
  });

  it('workload beats namespace beats mesh, port-level beats the workload mode, UNSET inherits', () => {
    const res = translateYaml(
      `${ingress([
        [9001, 'HTTP'],
        [9003, 'HTTP'],
      ])}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: default }
spec: { mtls: { mode: PERMISSIVE } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  mtls: { mode: UNSET }
  portLevelMtls: { 9003: { mode: DISABLE } }
`,
      { app: 'web' },
    );
    assert.deepEqual(chains(res.listeners.get('0.0.0.0_9001')), ['mtls:tls', 'plaintext:plain']);
    assert.deepEqual(chains(res.listeners.get('0.0.0.0_9003')), [':plain']);
  });

  it('a mesh-wide STRICT leaves only the mutual TLS chain', () => {
    const res = translateYaml(
      `${ingress([[9001, 'TCP']])}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
`,
      { app: 'web' },
    );
    const l = res.listeners.get('0.0.0.0_9001');
    assert.deepEqual(chains(l), ['mtls:tls']);
    const ts = ((l!['filter_chains'] as Json[])[0]!['transport_socket'] as Json)['typed_config'] as Json;
    assert.equal(ts['require_client_certificate'], true);
  });
});

describe('translate: PeerAuthentication on virtualInbound (transparent mode)', () => {
  const served = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: web, namespace: default }
spec:
  hosts: [web.default.svc.cluster.local]
  addresses: [10.90.0.2]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }, { number: 9000, name: tcp, protocol: TCP }]
  endpoints: [{ address: 10.89.0.3, labels: { app: web } }]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  mtls: { mode: STRICT }
  portLevelMtls: { 9080: { mode: PERMISSIVE } }
`;

  it('gives each served port its mTLS chains, matched by destination port and transport', () => {
    const parsed = parseIstioFile(served, 'test.yaml');
    assert.deepEqual(parsed.rejected, []);
    const snapshot = buildMeshSnapshot(
      '1',
      parsed.objects,
      servicesFromConfig(parsed.objects),
      undefined,
      SECURITY,
    );
    const proxy = parseProxyInfo({
      id: 'sidecar~10.89.0.3~web-0.default~default.svc.cluster.local',
      metadata: { NAMESPACE: 'default', LABELS: { app: 'web' }, INTERCEPTION_MODE: 'REDIRECT' },
    });
    const res = translate(snapshot, proxy);
    assertAllValid(res);
    const inbound = res.listeners.get('virtualInbound')!;
    assert.deepEqual(
      (inbound['filter_chains'] as Json[]).map((c) => [
        ...chains({ filter_chains: [c] }),
        JSON.stringify(c['filter_chain_match']),
      ]),
      [
        ['0.0.0.0_9000_mtls:tls', '{"destination_port":9000,"transport_protocol":"tls"}'],
        ['0.0.0.0_9080_mtls:tls', '{"destination_port":9080,"transport_protocol":"tls"}'],
        ['0.0.0.0_9080_plaintext:plain', '{"destination_port":9080,"transport_protocol":"raw_buffer"}'],
      ],
    );
    assert.match(JSON.stringify(inbound['listener_filters']), /tls_inspector/);
  });
});

const service = (extraLabels = '') => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints:
    - { address: 10.0.0.1, labels: { app: api, security.istio.io/tlsMode: istio ${extraLabels} }, serviceAccount: api }
    - { address: 10.0.0.2, labels: { app: legacy } }
`;

describe('translate: mTLS to destinations', () => {
  const CLUSTER = 'outbound|8080||api.default.svc.cluster.local';

  it('auto mTLS: endpoints with a sidecar are marked, the cluster matches them with Istio-style mTLS', () => {
    const res = translateYaml(service(), { app: 'client' });
    const cluster = res.clusters.get(CLUSTER)!;
    const match = (cluster['transport_socket_matches'] as Json[])[0]!;
    assert.deepEqual(match['match'], { tlsMode: 'istio' });
    const upstream = (match['transport_socket'] as Json)['typed_config'] as Json;
    assert.equal(upstream['sni'], 'outbound_.8080_._.api.default.svc.cluster.local');
    assert.match(JSON.stringify(upstream), /spiffe:\/\/cluster\.local\/ns\/default\/sa\/api/);
    assert.match(JSON.stringify(upstream), /"ROOTCA"/);
    const eps = ((res.endpoints.get(CLUSTER)!['endpoints'] as Json[])[0]!['lb_endpoints'] as Json[]).map(
      (e) => JSON.stringify(e['metadata'] ?? null),
    );
    assert.deepEqual(eps, [
      '{"filter_metadata":{"envoy.transport_socket_match":{"tlsMode":"istio"}}}',
      'null',
    ]);
  });

  it('DestinationRule ISTIO_MUTUAL sends mTLS to every endpoint; DISABLE turns auto mTLS off', () => {
    const dr = (mode: string) => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: default }
spec: { host: api, trafficPolicy: { tls: { mode: ${mode} } } }
`;
    const mutual = translateYaml(service() + dr('ISTIO_MUTUAL'), { app: 'client' }).clusters.get(CLUSTER)!;
    assert.ok(mutual['transport_socket'] !== undefined);
    assert.equal(mutual['transport_socket_matches'], undefined);
    const disabled = translateYaml(service() + dr('DISABLE'), { app: 'client' }).clusters.get(CLUSTER)!;
    assert.equal(disabled['transport_socket'], undefined);
    assert.equal(disabled['transport_socket_matches'], undefined);
  });
});

describe('translate: AuthorizationPolicy on a TCP port', () => {
  it('puts network RBAC before tcp_proxy; HTTP-only fields drop an ALLOW rule and widen a DENY rule', () => {
    const res = translateYaml(
      `${ingress([[9001, 'TCP']])}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny, namespace: default }
spec:
  action: DENY
  rules: [{ from: [{ source: { namespaces: [evil] } }], to: [{ operation: { paths: [/admin] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: default }
spec:
  rules:
    - to: [{ operation: { methods: [GET] } }]
    - from: [{ source: { principals: [cluster.local/ns/default/sa/client] } }]
`,
      { app: 'web' },
    );
    const filters = (
      (res.listeners.get('0.0.0.0_9001')!['filter_chains'] as Json[])[0]!['filters'] as Json[]
    ).map((f) => f['typed_config'] as Json);
    assert.deepEqual(
      filters.map((f) => String(f['@type']).split('.').slice(-4).join('.')),
      ['network.rbac.v3.RBAC', 'network.rbac.v3.RBAC', 'network.tcp_proxy.v3.TcpProxy'],
    );
    const deny = (filters[0]!['rules'] as Json)['policies'] as Json;
    assert.deepEqual(Object.keys(deny), ['ns[default]-policy[deny]-rule[0]']);
    assert.doesNotMatch(JSON.stringify(deny), /url_path/);
    const allow = (filters[1]!['rules'] as Json)['policies'] as Json;
    assert.deepEqual(Object.keys(allow), ['ns[default]-policy[allow]-rule[1]']);
  });
});

describe('translate: RequestAuthentication', () => {
  it('builds the JWT filter before RBAC and notes the JWT rule fields it cannot apply', () => {
    const res = translateYaml(
      `${ingress([[9001, 'HTTP']])}---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: default }
spec:
  jwtRules: [{ issuer: me, jwks: '{"keys":[]}', fromCookies: [session] }]
`,
      { app: 'web' },
    );
    const hcm = (
      (res.listeners.get('0.0.0.0_9001')!['filter_chains'] as Json[])[0]!['filters'] as Json[]
    )[0]!;
    const names = ((hcm['typed_config'] as Json)['http_filters'] as Json[]).map((f) => f['name']);
    assert.deepEqual(names, ['envoy.filters.http.jwt_authn', 'envoy.filters.http.router']);
    assert.ok(
      res.notes.some((n) => /jwtRules\[0\]: fromCookies not applied/.test(n)),
      res.notes.join('\n'),
    );
  });
});
