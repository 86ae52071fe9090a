/**
 * A mesh that exercises everything translation reads, and proxies that differ in every field a proxy
 * has: the fixture for the translation key and memo tests. Each kind of selector uses a label name of
 * its own, so that a selector kind the key forgot shows up as a difference. `steps` are edits of the
 * mesh, one input at a time, for tests of what memoized pieces must notice.
 */
import assert from 'node:assert/strict';
import type { IstioObject } from '@tandem/api/istio';
import { parseIstioFile } from '../../src/config/istio-file-parser.ts';
import { type MeshConfig, parseMeshConfig } from '../../src/config/mesh-config.ts';
import { type ProxyInfo, parseProxyInfo } from '../../src/proxy/proxy-info.ts';

/** What a step of the mesh is made of: config text (documents by name), security, mesh config. */
export interface MeshState {
  readonly docs: Readonly<Record<string, string>>;
  readonly mtls: boolean;
  readonly trustDomain: string;
  readonly rootNamespace: string;
  readonly jwks: ReadonlyMap<string, string>;
  readonly meshConfig: MeshConfig | undefined;
}

const doc = (apiVersion: string, kind: string, ns: string, name: string, spec: string) =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n${spec}`;

const NET = 'networking.istio.io/v1';
const SEC = 'security.istio.io/v1';

export const BASE_DOCS: Readonly<Record<string, string>> = {
  web: doc(
    NET,
    'ServiceEntry',
    'default',
    'web',
    `  hosts: [web.default.svc.cluster.local]
  addresses: [240.0.0.1]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
    - { number: 8080, name: http, protocol: HTTP, targetPort: 18080 }
    - { number: 9000, name: tcp, protocol: TCP }
  endpoints:
    - { address: 10.0.0.1, labels: { app: web, version: v1, security.istio.io/tlsMode: istio }, serviceAccount: web, locality: r1/z1 }
    - { address: 10.0.0.3, labels: { app: web, version: v2 }, serviceAccount: web-v2, locality: r1/z2 }
    - { address: 10.0.0.4, labels: { app: web, version: v2, sidecar-scope: narrow }, locality: r2/z1 }
`,
  ),
  api: doc(
    NET,
    'ServiceEntry',
    'other',
    'api',
    `  hosts: [api.other.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
    - { number: 80, name: http, protocol: HTTP }
    - { number: 9090, name: grpc, protocol: GRPC }
  endpoints:
    - { address: 10.0.0.2, labels: { app: api, security.istio.io/tlsMode: istio }, serviceAccount: api, locality: r2/z1 }
    - { address: 10.0.0.1, labels: { app: api-sidekick }, locality: r1/z1 }
`,
  ),
  solo: doc(
    NET,
    'ServiceEntry',
    'other',
    'solo',
    `  hosts: [solo.other.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 7000, name: http, protocol: HTTP }]
  endpoints: [{ address: 10.0.0.6, labels: { app: solo } }]
`,
  ),
  ext: doc(
    NET,
    'ServiceEntry',
    'default',
    'ext',
    `  hosts: [ext.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
`,
  ),
  collector: doc(
    NET,
    'ServiceEntry',
    'istio-system',
    'zipkin',
    `  hosts: [zipkin.istio-system.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9411, name: http, protocol: HTTP }]
  endpoints: [{ address: 10.0.9.1 }]
`,
  ),
  'dr-web': doc(
    NET,
    'DestinationRule',
    'default',
    'web',
    `  host: web
  trafficPolicy:
    loadBalancer:
      consistentHash: { httpHeaderName: x-user }
      localityLbSetting:
        distribute: [{ from: r1/z1/*, to: { "r1/z1/*": 70, "r2/*": 30 } }]
    outlierDetection: { consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 30s }
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 }, trafficPolicy: { connectionPool: { tcp: { maxConnections: 7 } } } }
`,
  ),
  'dr-other': doc(
    NET,
    'DestinationRule',
    'other',
    'all-other',
    `  host: "*.other.svc.cluster.local"
  trafficPolicy:
    outlierDetection: { consecutiveGatewayErrors: 2, interval: 1s, baseEjectionTime: 10s }
`,
  ),
  'vs-web': doc(
    NET,
    'VirtualService',
    'default',
    'web',
    `  hosts: [web]
  http:
    - name: canary
      match: [{ sourceLabels: { src-group: canary } }, { sourceNamespace: other, uri: { prefix: /other } }]
      route: [{ destination: { host: web, subset: v2 } }]
      fault: { abort: { httpStatus: 503, percentage: { value: 10 } } }
    - name: main
      route:
        - { destination: { host: web, subset: v1 }, weight: 90 }
        - { destination: { host: api.other.svc.cluster.local }, weight: 10 }
      mirror: { host: api.other.svc.cluster.local }
      retries: { attempts: 3, perTryTimeout: 2s }
      corsPolicy: { allowOrigins: [{ exact: "https://a.example" }] }
      timeout: 4s
    - name: to-api
      match: [{ uri: { prefix: /api } }]
      route: [{ destination: { host: api.other.svc.cluster.local } }]
    - name: to-solo
      match: [{ uri: { prefix: /solo }, port: 8080 }]
      route: [{ destination: { host: solo.other.svc.cluster.local } }]
  tcp:
    - route: [{ destination: { host: web, port: { number: 9000 } } }]
`,
  ),
  'vs-gateway': doc(
    NET,
    'VirtualService',
    'istio-system',
    'front',
    `  hosts: [web.example.com]
  gateways: [ingress]
  http:
    - match: [{ sourceLabels: { gw-src: blue }, uri: { prefix: /blue } }]
      route: [{ destination: { host: web.default.svc.cluster.local, subset: v2 } }]
    - route: [{ destination: { host: web.default.svc.cluster.local, port: { number: 8080 } } }]
`,
  ),
  gateway: doc(
    NET,
    'Gateway',
    'istio-system',
    'ingress',
    `  selector: { istio: ingressgateway }
  servers:
    - { port: { number: 8080, name: http, protocol: HTTP }, hosts: ["*"] }
`,
  ),
  'sidecar-narrow': doc(
    NET,
    'Sidecar',
    'default',
    'narrow',
    `  workloadSelector: { labels: { sidecar-scope: narrow } }
  egress: [{ hosts: ["./*"] }]
  outboundTrafficPolicy: { mode: REGISTRY_ONLY }
  ingress:
    - { port: { number: 8080, protocol: HTTP, name: http }, defaultEndpoint: "127.0.0.1:18080" }
    - { port: { number: 9000, protocol: TCP, name: tcp }, defaultEndpoint: "127.0.0.1:19000" }
`,
  ),
  'sidecar-other': doc(
    NET,
    'Sidecar',
    'other',
    'default',
    `  egress: [{ hosts: ["./*", "default/web.default.svc.cluster.local"] }]
`,
  ),
  'pa-strict': doc(
    SEC,
    'PeerAuthentication',
    'default',
    'strict',
    `  selector: { matchLabels: { mtls-group: strict } }
  mtls: { mode: STRICT }
  portLevelMtls: { "9000": { mode: DISABLE } }
`,
  ),
  'pa-mesh': doc(SEC, 'PeerAuthentication', 'istio-system', 'default', '  mtls: { mode: PERMISSIVE }\n'),
  'authz-allow': doc(
    SEC,
    'AuthorizationPolicy',
    'default',
    'locked',
    `  selector: { matchLabels: { authz-group: locked } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: ["cluster.local/ns/default/sa/web"] } }]
      to: [{ operation: { methods: [GET] } }]
`,
  ),
  'authz-deny-root': doc(
    SEC,
    'AuthorizationPolicy',
    'istio-system',
    'no-admin',
    `  action: DENY
  rules: [{ to: [{ operation: { paths: [/admin] } }] }]
`,
  ),
  jwt: doc(
    SEC,
    'RequestAuthentication',
    'default',
    'jwt',
    `  selector: { matchLabels: { jwt-group: on } }
  jwtRules:
    - { issuer: "https://issuer.example", jwksUri: "https://issuer.example/jwks" }
`,
  ),
  'envoy-filter': doc(
    'networking.istio.io/v1alpha3',
    'EnvoyFilter',
    'default',
    'tweak',
    `  workloadSelector: { labels: { ef-group: on } }
  configPatches:
    - applyTo: HTTP_FILTER
      match: { context: SIDECAR_OUTBOUND }
      patch:
        operation: INSERT_BEFORE
        value: { name: envoy.filters.http.local_ratelimit, typed_config: { "@type": type.googleapis.com/udpa.type.v1.TypedStruct, type_url: type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, value: { stat_prefix: rl } } }
    - applyTo: HTTP_ROUTE
      match: { context: SIDECAR_OUTBOUND, routeConfiguration: { vhost: { route: { action: ANY } } } }
      patch: { operation: MERGE, value: { request_headers_to_add: [{ header: { key: x-patched, value: "1" } }] } }
`,
  ),
  'telemetry-selected': doc(
    'telemetry.istio.io/v1',
    'Telemetry',
    'default',
    'selected',
    `  selector: { matchLabels: { tel-group: on } }
  tracing: [{ randomSamplingPercentage: 50 }]
  accessLogging: [{ providers: [{ name: envoy }] }]
`,
  ),
  'telemetry-root': doc(
    'telemetry.istio.io/v1',
    'Telemetry',
    'istio-system',
    'mesh-default',
    `  tracing: [{ providers: [{ name: zipkin }], randomSamplingPercentage: 10 }]
`,
  ),
};

const MESH_CONFIG = `accessLogFile: /dev/stdout
extensionProviders:
  - name: zipkin
    zipkin: { service: zipkin.istio-system.svc.cluster.local, port: 9411 }
`;

export function baseState(): MeshState {
  return {
    docs: BASE_DOCS,
    mtls: true,
    trustDomain: 'cluster.local',
    rootNamespace: 'istio-system',
    jwks: new Map([['https://issuer.example/jwks', '{"keys":[{"kty":"oct","k":"a2V5"}]}']]),
    meshConfig: meshConfig(MESH_CONFIG),
  };
}

export function meshConfig(text: string): MeshConfig {
  const parsed = parseMeshConfig(text, 'mesh.yaml');
  assert.deepEqual(parsed.errors, []);
  return parsed.config;
}

/** The objects of a state, parsed and validated as the control plane would. */
export function objectsOf(state: MeshState): IstioObject[] {
  const objects: IstioObject[] = [];
  for (const [name, text] of Object.entries(state.docs)) {
    const parsed = parseIstioFile(text, `${name}.yaml`);
    assert.deepEqual(parsed.rejected, [], `${name} is valid`);
    objects.push(...parsed.objects);
  }
  return objects;
}

/** Edits of the base mesh, each changing one input translation reads. */
export function steps(): [what: string, edit: (s: MeshState) => MeshState][] {
  const docs = (s: MeshState, changes: Record<string, string | undefined>): MeshState => {
    const next: Record<string, string> = { ...s.docs };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    return { ...s, docs: next };
  };
  const replace = (name: string, from: string, to: string) => (s: MeshState) => {
    const text = s.docs[name]!;
    assert.ok(text.includes(from), `${name} has ${from}`);
    return docs(s, { [name]: text.replace(from, to) });
  };
  return [
    ['mTLS off', (s) => ({ ...s, mtls: false })],
    ['mTLS on again', (s) => ({ ...s, mtls: true })],
    ['another trust domain', (s) => ({ ...s, trustDomain: 'example.org' })],
    ['an endpoint moves', replace('web', 'address: 10.0.0.3', 'address: 10.0.0.5')],
    [
      'a Sidecar with ingress selects the api endpoints',
      (s) =>
        docs(s, {
          'sidecar-api': doc(
            NET,
            'Sidecar',
            'other',
            'api-in',
            `  workloadSelector: { labels: { app: api-sidekick } }
  ingress: [{ port: { number: 80, protocol: HTTP, name: http }, defaultEndpoint: "127.0.0.1:8000" }]
`,
          ),
        }),
    ],
    [
      'namespace-wide PeerAuthentication DISABLE in other',
      (s) =>
        docs(s, {
          'pa-other': doc(SEC, 'PeerAuthentication', 'other', 'off', '  mtls: { mode: DISABLE }\n'),
        }),
    ],
    ['the root namespace is other', (s) => ({ ...s, rootNamespace: 'other' })],
    ['the root namespace is istio-system again', (s) => ({ ...s, rootNamespace: 'istio-system' })],
    ['mesh-wide PeerAuthentication STRICT', replace('pa-mesh', 'PERMISSIVE', 'STRICT')],
    ['an endpoint loses its tlsMode label', replace('api', ', security.istio.io/tlsMode: istio', '')],
    ['a subset changes its labels', replace('dr-web', '{ version: v1 } }', '{ version: v1, app: web } }')],
    [
      'DestinationRule tls ISTIO_MUTUAL',
      replace('dr-web', '  subsets:', '    tls: { mode: ISTIO_MUTUAL }\n  subsets:'),
    ],
    ['locality distribute changes', replace('dr-web', '"r2/*": 30', '"r2/*": 20, "r1/z2/*": 10')],
    ['the wildcard DestinationRule goes', (s) => docs(s, { 'dr-other': undefined })],
    [
      'a DestinationRule for api',
      (s) =>
        docs(s, {
          'dr-api': doc(
            NET,
            'DestinationRule',
            'other',
            'api',
            `  host: api
  trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } }
`,
          ),
        }),
    ],
    ['solo moves to another port', replace('solo', 'number: 7000', 'number: 7001')],
    ['web gets another address', replace('web', 'addresses: [240.0.0.1]', 'addresses: [240.0.0.9]')],
    [
      'api gets another port',
      replace(
        'api',
        '    - { number: 9090',
        '    - { number: 81, name: http-alt, protocol: HTTP }\n    - { number: 9090',
      ),
    ],
    ['the route revision changes', replace('vs-web', 'timeout: 4s', 'timeout: 5s')],
    ['sourceLabels change', replace('vs-web', 'src-group: canary', 'src-group: beta')],
    [
      'an earlier VirtualService claims web',
      (s) =>
        docs(s, {
          'aa-vs': doc(
            NET,
            'VirtualService',
            'default',
            'aa-web',
            `  hosts: ["*.default.svc.cluster.local"]
  http: [{ route: [{ destination: { host: web, subset: v1 } }] }]
`,
          ),
        }),
    ],
    ['the gateway selects another label', replace('gateway', 'istio: ingressgateway', 'istio: edge')],
    [
      'authorization policy selects another group',
      replace('authz-allow', 'authz-group: locked', 'authz-group: open'),
    ],
    ['JWKS keys arrive', (s) => ({ ...s, jwks: new Map([['https://issuer.example/jwks', '{"keys":[]}']]) })],
    [
      'telemetry turned off for its group',
      replace('telemetry-selected', 'providers: [{ name: envoy }]', 'disabled: true'),
    ],
    [
      'mesh config without access log',
      (s) => ({ ...s, meshConfig: meshConfig('rootNamespace: istio-system\n') }),
    ],
    ['envoy filter goes', (s) => docs(s, { 'envoy-filter': undefined })],
  ];
}

/** Every label a selector in the mesh names, with values that match and values that do not. */
const LABEL_CHOICES: [string, string[]][] = [
  ['app', ['web', 'api']],
  ['version', ['v1', 'v2']],
  ['sidecar-scope', ['narrow', 'wide']],
  ['mtls-group', ['strict', 'loose']],
  ['authz-group', ['locked', 'open']],
  ['jwt-group', ['on', 'off']],
  ['ef-group', ['on', 'off']],
  ['tel-group', ['on', 'off']],
  ['src-group', ['canary', 'beta', 'stable']],
  ['gw-src', ['blue', 'green']],
  ['istio', ['ingressgateway', 'edge']],
  ['pod-template-hash', ['abc', 'def']],
];

const WORKLOAD = {
  service: 'reg',
  ports: [{ name: 'http', port: 8088, protocol: 'HTTP', endpointPort: 41000, targetPort: 41001 }],
};

/**
 * Sidecars with inbound listeners (a Sidecar's ingress, or a registration), where the policies that
 * select workloads apply: one label at a time set to each of its values, in each interception mode.
 */
function inboundProxies(): ProxyInfo[] {
  const out: ProxyInfo[] = [];
  for (const mode of ['NONE', 'REDIRECT']) {
    for (const registered of [false, true]) {
      for (const [name, values] of LABEL_CHOICES) {
        for (const value of values) {
          const labels: Record<string, string> = registered ? {} : { 'sidecar-scope': 'narrow' };
          labels[name] = value;
          const metadata: Record<string, unknown> = {
            NAMESPACE: 'default',
            LABELS: labels,
            INTERCEPTION_MODE: mode,
          };
          if (registered) metadata['TANDEM_WORKLOAD'] = WORKLOAD;
          out.push(
            parseProxyInfo({
              id: `sidecar~10.0.0.4~in-${out.length}.default~default.svc.cluster.local`,
              metadata,
              locality: { region: 'r1', zone: 'z1' },
            }),
          );
        }
      }
    }
  }
  return out;
}

/**
 * Proxies that vary every field (a seeded pseudo-random walk, so failures reproduce), several with
 * each combination of kind and interception mode, some identical but for fields translation does not
 * read, so that equal keys actually occur.
 */
export function variedProxies(count = 160, seed = 7): ProxyInfo[] {
  return [...randomProxies(count, seed), ...inboundProxies()];
}

function randomProxies(count: number, seed: number): ProxyInfo[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const out: ProxyInfo[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(['sidecar', 'sidecar', 'sidecar', 'router', 'grpc'] as const);
    const ns = pick(['default', 'default', 'other', 'istio-system']);
    const labels: Record<string, string> = {};
    for (const [name, values] of LABEL_CHOICES) if (next() < 0.4) labels[name] = pick(values);
    const ip = pick(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.9.9.9']);
    const metadata: Record<string, unknown> = {
      NAMESPACE: ns,
      LABELS: labels,
      INTERCEPTION_MODE: pick(['NONE', 'REDIRECT', 'REDIRECT', 'TPROXY']),
      SERVICE_ACCOUNT: pick(['web', 'api', 'default']),
      WORKLOAD_NAME: pick(['web', 'api', '']),
      CLUSTER_ID: pick(['Kubernetes', 'east']),
      UNREAD: String(i),
      INSTANCE_IPS: next() < 0.2 ? `${ip},10.0.0.2` : ip,
    };
    if (next() < 0.25) metadata['HTTP_PROXY_PORT'] = pick(['15080', 15081]);
    if (next() < 0.25) metadata['OUTBOUND_LISTENERS'] = 'http-proxy';
    if (next() < 0.2) metadata['TANDEM_WORKLOAD'] = next() < 0.5 ? WORKLOAD : JSON.stringify(WORKLOAD);
    if (kind === 'router' && next() < 0.5) metadata['TANDEM_GATEWAY_LISTEN'] = { '8080': '127.0.0.1:0' };
    if (kind === 'grpc') metadata['GENERATOR'] = 'grpc';
    const locality = pick([
      undefined,
      { region: 'r1', zone: 'z1' },
      { region: 'r1', zone: 'z2' },
      { region: 'r2' },
    ]);
    const id = kind === 'grpc' ? `grpc-${i}` : `${kind}~${ip}~pod-${i}.${ns}~${ns}.svc.cluster.local`;
    out.push(parseProxyInfo({ id, metadata, ...(locality === undefined ? {} : { locality }) }));
    // A twin: the same but for what translation must not read (a replica).
    if (next() < 0.5) {
      const twin: Record<string, unknown> = {
        ...metadata,
        UNREAD: 'twin',
        SERVICE_ACCOUNT: 'twin',
        CLUSTER_ID: 'west',
      };
      twin['LABELS'] = { ...labels, 'pod-template-hash': `twin-${i}` };
      const twinId =
        kind === 'grpc' ? `grpc-twin-${i}` : `${kind}~${ip}~twin-${i}.${ns}~${ns}.svc.cluster.local`;
      out.push(
        parseProxyInfo({ id: twinId, metadata: twin, ...(locality === undefined ? {} : { locality }) }),
      );
    }
  }
  return out;
}
