/**
 * Test-only builders for validated Istio objects with Istio's defaults filled in, so translation
 * tests can state only what they care about. (Parsing YAML goes through the validator; these
 * skip it on purpose to test translation alone.)
 */
import type {
  DestinationRule,
  Gateway,
  GatewayServer,
  HttpMatchRequest,
  HttpRoute,
  IstioObject,
  ServiceEntry,
  ServicePort,
  Sidecar,
  VirtualService,
  WorkloadEntry,
} from '@tandem/api/istio';

const meta = (namespace: string, name: string, labels: Record<string, string> = {}) => ({
  name,
  namespace,
  labels,
  annotations: {},
  source: 'test',
});

export function httpPort(
  number: number,
  name = `http-${number}`,
  protocol: ServicePort['protocol'] = 'HTTP',
): ServicePort {
  return { number, name, protocol, targetPort: 0 };
}

export function workload(
  address: string,
  labels: Record<string, string>,
  extra: Partial<WorkloadEntry> = {},
): WorkloadEntry {
  return {
    address,
    ports: {},
    labels,
    network: '',
    locality: '',
    weight: 0,
    serviceAccount: 'default',
    ...extra,
  };
}

export function serviceEntry(
  ns: string,
  name: string,
  spec: Partial<ServiceEntry> & Pick<ServiceEntry, 'hosts' | 'ports'>,
): IstioObject {
  const full: ServiceEntry = {
    addresses: [],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    endpoints: [],
    workloadSelector: undefined,
    exportTo: [],
    subjectAltNames: [],
    ...spec,
  };
  return { kind: 'ServiceEntry', meta: meta(ns, name), spec: full };
}

export function match(m: Partial<HttpMatchRequest>): HttpMatchRequest {
  return {
    name: '',
    uri: undefined,
    scheme: undefined,
    method: undefined,
    authority: undefined,
    headers: {},
    withoutHeaders: {},
    queryParams: {},
    port: 0,
    sourceLabels: {},
    sourceNamespace: '',
    gateways: [],
    ignoreUriCase: false,
    ...m,
  };
}

export function httpRoute(r: Partial<HttpRoute>): HttpRoute {
  return {
    name: '',
    match: [],
    route: [],
    redirect: undefined,
    directResponse: undefined,
    rewrite: undefined,
    timeoutMs: undefined,
    retries: undefined,
    fault: undefined,
    mirrors: [],
    corsPolicy: undefined,
    headers: undefined,
    ...r,
  };
}

export function dest(host: string, subset = '', weight = 0, port = 0) {
  return { destination: { host, subset, port }, weight, headers: undefined };
}

export function virtualService(
  ns: string,
  name: string,
  spec: Partial<VirtualService> & Pick<VirtualService, 'hosts'>,
): IstioObject {
  return {
    kind: 'VirtualService',
    meta: meta(ns, name),
    spec: { gateways: [], http: [], tcp: [], tls: [], exportTo: [], ...spec },
  };
}

export function destinationRule(
  ns: string,
  name: string,
  spec: Partial<DestinationRule> & Pick<DestinationRule, 'host'>,
): IstioObject {
  return {
    kind: 'DestinationRule',
    meta: meta(ns, name),
    spec: { trafficPolicy: undefined, subsets: [], exportTo: [], workloadSelector: undefined, ...spec },
  };
}

export function subset(name: string, labels: Record<string, string>) {
  return { name, labels, trafficPolicy: undefined };
}

export function sidecar(ns: string, name: string, spec: Partial<Sidecar>): IstioObject {
  return {
    kind: 'Sidecar',
    meta: meta(ns, name),
    spec: { workloadSelector: undefined, ingress: [], egress: [], outboundTrafficPolicy: undefined, ...spec },
  };
}

export function gatewayServer(
  number: number,
  hosts: string[],
  extra: Partial<GatewayServer> & { protocol?: GatewayServer['port']['protocol']; portName?: string } = {},
): GatewayServer {
  const { protocol = 'HTTP', portName = `port-${number}`, ...rest } = extra;
  return {
    port: { number, protocol, name: portName, targetPort: 0 },
    bind: '',
    hosts,
    tls: undefined,
    name: '',
    ...rest,
  };
}

export function serverTls(
  tls: Partial<NonNullable<GatewayServer['tls']>>,
): NonNullable<GatewayServer['tls']> {
  return {
    httpsRedirect: false,
    mode: 'PASSTHROUGH',
    serverCertificate: '',
    privateKey: '',
    caCertificates: '',
    credentialName: '',
    subjectAltNames: [],
    minProtocolVersion: 'TLS_AUTO',
    maxProtocolVersion: 'TLS_AUTO',
    cipherSuites: [],
    ...tls,
  };
}

export function gateway(
  ns: string,
  name: string,
  servers: GatewayServer[],
  selector: Record<string, string> = { istio: 'ingressgateway' },
): IstioObject {
  const spec: Gateway = { selector, servers };
  return { kind: 'Gateway', meta: meta(ns, name), spec };
}
