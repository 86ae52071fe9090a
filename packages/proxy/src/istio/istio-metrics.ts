/**
 * The proxy's Istio standard metrics: every series ever created, and their Prometheus text.
 * Reporters (one per HTTP connection manager or TCP proxy) create series through here and keep
 * them; a scrape walks the lists. Series live as long as the proxy, as Envoy's do.
 */
import { HttpSeries, TcpSeries } from './istio-series.ts';
import type { WorkloadIdentity } from './workload-identity.ts';

const HTTP_HELP: [string, string][] = [
  ['istio_requests_total', 'Requests handled, by source, destination and outcome.'],
  ['istio_request_duration_milliseconds', 'Request duration in milliseconds.'],
  ['istio_request_bytes', 'Request body sizes in bytes.'],
  ['istio_response_bytes', 'Response body sizes in bytes.'],
  ['istio_request_messages_total', 'gRPC messages sent by the client.'],
  ['istio_response_messages_total', 'gRPC messages sent by the server.'],
];

/** Upper bound on series, so hostile headers cannot grow memory without limit. */
export const MAX_SERIES = 20_000;

export class IstioMetrics {
  readonly local: WorkloadIdentity;
  readonly http: HttpSeries[] = [];
  readonly tcp: TcpSeries[] = [];
  /** Series refused because MAX_SERIES was reached (their traffic goes to an overflow series). */
  overflowed = 0;
  private overflowHttp: HttpSeries | undefined;
  private overflowTcp: TcpSeries | undefined;
  /** Series by label text: two routes to the same labels (e.g. two subsets) share one series. */
  private readonly httpByLabels = new Map<string, HttpSeries>();
  private readonly tcpByLabels = new Map<string, TcpSeries>();

  constructor(local: WorkloadIdentity) {
    this.local = local;
  }

  httpSeries(labels: string, grpc: boolean): HttpSeries {
    const known = this.httpByLabels.get(labels);
    if (known !== undefined) return known;
    if (this.http.length + this.tcp.length >= MAX_SERIES) {
      this.overflowed++;
      return (this.overflowHttp ??= this.addHttp('reporter="overflow"', false));
    }
    return this.addHttp(labels, grpc);
  }

  tcpSeries(labels: string): TcpSeries {
    const known = this.tcpByLabels.get(labels);
    if (known !== undefined) return known;
    if (this.http.length + this.tcp.length >= MAX_SERIES) {
      this.overflowed++;
      return (this.overflowTcp ??= this.addTcp('reporter="overflow"'));
    }
    return this.addTcp(labels);
  }

  /** Prometheus text exposition of every Istio metric. */
  renderPrometheus(out: string[]): void {
    const http = this.http;
    if (http.length > 0) {
      header(out, HTTP_HELP[0]!, 'counter');
      for (const s of http) out.push(`istio_requests_total{${s.labels}} ${s.requests}\n`);
      header(out, HTTP_HELP[1]!, 'histogram');
      for (const s of http) histogram(out, 'istio_request_duration_milliseconds', s.labels, s.duration);
      header(out, HTTP_HELP[2]!, 'histogram');
      for (const s of http) histogram(out, 'istio_request_bytes', s.labels, s.requestBytes);
      header(out, HTTP_HELP[3]!, 'histogram');
      for (const s of http) histogram(out, 'istio_response_bytes', s.labels, s.responseBytes);
      const grpc = http.filter((s) => s.grpc);
      if (grpc.length > 0) {
        header(out, HTTP_HELP[4]!, 'counter');
        for (const s of grpc) out.push(`istio_request_messages_total{${s.labels}} ${s.requestMessages}\n`);
        header(out, HTTP_HELP[5]!, 'counter');
        for (const s of grpc) out.push(`istio_response_messages_total{${s.labels}} ${s.responseMessages}\n`);
      }
    }
    const tcp = this.tcp;
    if (tcp.length > 0) {
      tcpMetric(
        out,
        tcp,
        'istio_tcp_sent_bytes_total',
        'Bytes sent during TCP connections.',
        (s) => s.sentBytes,
      );
      tcpMetric(
        out,
        tcp,
        'istio_tcp_received_bytes_total',
        'Bytes received during TCP connections.',
        (s) => s.receivedBytes,
      );
      tcpMetric(out, tcp, 'istio_tcp_connections_opened_total', 'TCP connections opened.', (s) => s.opened);
      tcpMetric(out, tcp, 'istio_tcp_connections_closed_total', 'TCP connections closed.', (s) => s.closed);
    }
  }

  private addHttp(labels: string, grpc: boolean): HttpSeries {
    const s = new HttpSeries(labels, grpc);
    this.http.push(s);
    this.httpByLabels.set(labels, s);
    return s;
  }

  private addTcp(labels: string): TcpSeries {
    const s = new TcpSeries(labels);
    this.tcp.push(s);
    this.tcpByLabels.set(labels, s);
    return s;
  }
}

function header(out: string[], [name, help]: [string, string], type: string): void {
  out.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
}

function histogram(
  out: string[],
  name: string,
  labels: string,
  h: { bounds: readonly number[]; cumulative(): number[]; sum: number; count: number },
): void {
  const cum = h.cumulative();
  for (let i = 0; i < h.bounds.length; i++)
    out.push(`${name}_bucket{${labels},le="${h.bounds[i]}"} ${cum[i]}\n`);
  out.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}\n`);
  out.push(`${name}_sum{${labels}} ${h.sum}\n${name}_count{${labels}} ${h.count}\n`);
}

function tcpMetric(
  out: string[],
  series: TcpSeries[],
  name: string,
  help: string,
  value: (s: TcpSeries) => number,
): void {
  header(out, [name, help], 'counter');
  for (const s of series) out.push(`${name}{${s.labels}} ${value(s)}\n`);
}
