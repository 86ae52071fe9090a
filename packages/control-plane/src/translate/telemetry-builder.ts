/**
 * Access logging and tracing for one proxy: MeshConfig defaults, then Telemetry objects in the
 * root namespace (mesh-wide), in the proxy's namespace, and those whose selector matches the
 * proxy's labels, each overriding the one before. The result is written into every HTTP
 * connection manager (`access_log`, `tracing`) and TCP proxy (`access_log`) of the proxy's
 * listeners. A tracing provider needs a cluster for its service; without one, spans are not
 * exported and a note says why.
 */
import {
  ENVOY_DEFAULT_FORMAT,
  FILE_ACCESS_LOG_TYPE_URL,
  OPENTELEMETRY_TYPE_URL,
  ZIPKIN_TYPE_URL,
} from '@tandem/api';
import type { Telemetry } from '@tandem/api/istio';
import type { ExtensionProvider, MeshConfig } from '../config/mesh-config.ts';
import { resolveHost } from '../model/hostnames.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { capabilitiesOf } from './capabilities.ts';
import { buildOutboundCluster, planOutboundClusters } from './cluster-builder.ts';
import { outboundClusterName } from './cluster-name.ts';
import { buildLoadAssignment } from './endpoint-builder.ts';
import { type Json, TYPE, type XdsResources } from './xds-resources.ts';

/** Istio's default text format for meshConfig.accessLogFile. */
export const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio's default JSON fields for accessLogEncoding: JSON. */
export const ISTIO_JSON_FORMAT: Json = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  route_name: '%ROUTE_NAME%',
};

interface Effective {
  accessLogs: Json[];
  tracing: Json | undefined;
}

export function applyTelemetry(snapshot: MeshSnapshot, proxy: ProxyInfo, out: XdsResources): void {
  const eff = effectiveTelemetry(snapshot, proxy, out);
  if (eff.accessLogs.length === 0 && eff.tracing === undefined) return;
  for (const listener of out.listeners.values()) {
    for (const chain of (listener['filter_chains'] as Json[] | undefined) ?? []) {
      for (const filter of (chain['filters'] as Json[] | undefined) ?? []) {
        const tc = filter['typed_config'] as Json;
        if (eff.accessLogs.length > 0) tc['access_log'] = eff.accessLogs;
        if (tc['@type'] === TYPE.hcm && eff.tracing !== undefined) tc['tracing'] = eff.tracing;
      }
    }
  }
}

function effectiveTelemetry(snapshot: MeshSnapshot, proxy: ProxyInfo, out: XdsResources): Effective {
  const mesh = snapshot.meshConfig;
  let accessProviders = mesh.defaultAccessLogProviders;
  let accessDisabled = false;
  let tracingProviders = mesh.defaultTracingProviders;
  let sampling = mesh.tracingSampling;
  let reportSpans = true;
  for (const t of applicableTelemetry(snapshot, proxy)) {
    const tr = t.tracing[0];
    if (tr !== undefined) {
      if (tr.providers.length > 0) tracingProviders = tr.providers;
      if (tr.randomSamplingPercentage !== undefined) sampling = tr.randomSamplingPercentage;
      if (tr.disableSpanReporting !== undefined) reportSpans = !tr.disableSpanReporting;
    }
    const al = t.accessLogging[0];
    if (al !== undefined) {
      if (al.providers.length > 0) accessProviders = al.providers;
      if (al.disabled !== undefined) accessDisabled = al.disabled;
      else if (al.providers.length > 0) accessDisabled = false;
    }
  }
  const accessLogs: Json[] = [];
  if (!accessDisabled) {
    if (mesh.accessLogFile !== '') accessLogs.push(meshAccessLog(mesh));
    for (const name of accessProviders) {
      const p = findProvider(mesh, name, out);
      if (p?.kind === 'envoyFileAccessLog') accessLogs.push(providerAccessLog(p));
      else if (name === 'envoy' && mesh.accessLogFile === '')
        accessLogs.push(fileLog('/dev/stdout', { text_format_source: { inline_string: ISTIO_TEXT_FORMAT } }));
      else if (p !== undefined) out.notes.push(`access log provider "${name}" is a ${p.kind} provider`);
    }
  }
  let tracing: Json | undefined;
  if (mesh.enableTracing || tracingProviders.length > 0) {
    const provider = reportSpans ? tracingProvider(snapshot, proxy, mesh, tracingProviders, out) : undefined;
    if (provider !== undefined || (!reportSpans && tracingProviders.length > 0))
      tracing = { random_sampling: { value: sampling }, ...(provider === undefined ? {} : { provider }) };
  }
  return { accessLogs, tracing };
}

/** Root-namespace Telemetry, then the proxy's namespace, then selector matches (later wins). */
function applicableTelemetry(snapshot: MeshSnapshot, proxy: ProxyInfo): Telemetry[] {
  const root = snapshot.meshConfig.rootNamespace;
  const all = snapshot.objects.flatMap((o) =>
    o.kind === 'Telemetry' ? [{ ns: o.meta.namespace, spec: o.spec }] : [],
  );
  const rank = (x: { ns: string; spec: Telemetry }): number => {
    if (x.spec.selector !== undefined && Object.keys(x.spec.selector).length > 0) {
      if (x.ns !== proxy.namespace) return -1;
      const sel = x.spec.selector;
      return Object.entries(sel).every(([k, v]) => proxy.labels[k] === v) ? 3 : -1;
    }
    if (x.ns === proxy.namespace && x.ns !== root) return 2;
    return x.ns === root ? 1 : -1;
  };
  return all
    .map((x) => ({ x, r: rank(x) }))
    .filter((e) => e.r > 0)
    .sort((a, b) => a.r - b.r)
    .map((e) => e.x.spec);
}

function findProvider(mesh: MeshConfig, name: string, out: XdsResources): ExtensionProvider | undefined {
  const p = mesh.extensionProviders.find((x) => x.name === name);
  if (p === undefined && name !== 'envoy')
    out.notes.push(`telemetry provider "${name}" is not in meshConfig.extensionProviders`);
  return p;
}

/** The collector's cluster, even when a Sidecar hides its service from the proxy's own traffic. */
function addCollectorCluster(
  snapshot: MeshSnapshot,
  proxy: ProxyInfo,
  host: string,
  name: string,
  out: XdsResources,
): void {
  const service = snapshot.services.get(host);
  if (service === undefined) return;
  const plan = planOutboundClusters(snapshot, [service]).find((x) => x.name === name);
  if (plan === undefined) return;
  out.clusters.set(name, buildOutboundCluster(snapshot, plan, capabilitiesOf(proxy), out.notes));
  if (service.resolution === 'STATIC') out.endpoints.set(name, buildLoadAssignment(plan));
}

function tracingProvider(
  snapshot: MeshSnapshot,
  proxy: ProxyInfo,
  mesh: MeshConfig,
  names: string[],
  out: XdsResources,
): Json | undefined {
  let p: ExtensionProvider | undefined;
  for (const name of names) {
    p = findProvider(mesh, name, out);
    if (p !== undefined) break;
  }
  if (p === undefined && mesh.zipkinAddress !== '') {
    const [service = '', port = '9411'] = mesh.zipkinAddress.split(':');
    p = { name: 'zipkin', kind: 'zipkin', service, port: Number(port), path: '/api/v2/spans' };
  }
  if (p === undefined || p.kind === 'envoyFileAccessLog') return undefined;
  const service = p.service.includes('/') ? p.service.slice(p.service.indexOf('/') + 1) : p.service;
  const host = resolveHost(service, mesh.rootNamespace);
  const cluster = outboundClusterName(p.port, '', host);
  if (!out.clusters.has(cluster)) addCollectorCluster(snapshot, proxy, host, cluster, out);
  if (!out.clusters.has(cluster)) {
    out.notes.push(
      `tracing provider "${p.name}": no service ${host}:${p.port} is known; spans are not exported`,
    );
    return undefined;
  }
  if (p.kind === 'zipkin') {
    return {
      name: 'envoy.tracers.zipkin',
      typed_config: {
        '@type': ZIPKIN_TYPE_URL,
        collector_cluster: cluster,
        collector_endpoint: p.path,
        collector_endpoint_version: 'HTTP_JSON',
        collector_hostname: host,
        trace_id_128bit: true,
      },
    };
  }
  return {
    name: 'envoy.tracers.opentelemetry',
    typed_config: {
      '@type': OPENTELEMETRY_TYPE_URL,
      http_service: { http_uri: { uri: `http://${host}:${p.port}${p.path}`, cluster, timeout: '5s' } },
    },
  };
}

function meshAccessLog(mesh: MeshConfig): Json {
  if (mesh.accessLogEncoding === 'JSON')
    return fileLog(mesh.accessLogFile, { json_format: ISTIO_JSON_FORMAT });
  const text = mesh.accessLogFormat || ISTIO_TEXT_FORMAT;
  return fileLog(mesh.accessLogFile, {
    text_format_source: { inline_string: text.endsWith('\n') ? text : `${text}\n` },
  });
}

function providerAccessLog(p: Extract<ExtensionProvider, { kind: 'envoyFileAccessLog' }>): Json {
  if (p.labels !== undefined) return fileLog(p.path, { json_format: p.labels });
  const text = p.text ?? ISTIO_TEXT_FORMAT;
  return fileLog(p.path, { text_format_source: { inline_string: text.endsWith('\n') ? text : `${text}\n` } });
}

function fileLog(path: string, logFormat: Json): Json {
  return {
    name: 'envoy.access_loggers.file',
    typed_config: { '@type': FILE_ACCESS_LOG_TYPE_URL, path, log_format: logFormat },
  };
}

export { ENVOY_DEFAULT_FORMAT };
