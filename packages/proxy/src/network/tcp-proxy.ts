/**
 * `envoy.filters.network.tcp_proxy`: connects each downstream connection to a host of one cluster
 * (or one of weighted clusters) and copies bytes both ways with backpressure and half-close,
 * closing both sides after the idle timeout.
 */
import type net from 'node:net';
import type { TcpProxy } from '@tandem/api/envoy';
import { AccessLogger } from '../access-log/access-logger.ts';
import { TcpLogEntry } from '../access-log/tcp-log-entry.ts';
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import type { TcpSeries } from '../istio/istio-series.ts';
import type { IstioTcpReporter } from '../istio/istio-tcp-reporter.ts';
import type { Counter, Gauge } from '../stats/stats.ts';
import type { ClusterRuntime } from '../upstream/cluster.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import type { LbContext } from '../upstream/lb/load-balancer.ts';
import type { NetworkFilterFactory } from './network-filter.ts';

interface TcpProxyStats {
  downstreamCxTotal: Counter;
  downstreamCxNoRoute: Counter;
  idleTimeout: Counter;
  upstreamFlushActive: Gauge;
  downstreamCxRxBytesTotal: Counter;
  downstreamCxTxBytesTotal: Counter;
  istio: IstioTcpReporter;
  accessLogger: AccessLogger | undefined;
}

export const tcpProxyFilter: NetworkFilterFactory<TcpProxy> = {
  kind: 'tcp_proxy',
  build(config, ctx) {
    const scope = ctx.stats.scope(`tcp.${config.statPrefix}.`);
    const stats: TcpProxyStats = {
      downstreamCxTotal: scope.counter('downstream_cx_total'),
      downstreamCxNoRoute: scope.counter('downstream_cx_no_route'),
      idleTimeout: scope.counter('idle_timeout'),
      upstreamFlushActive: scope.gauge('upstream_flush_active'),
      downstreamCxRxBytesTotal: scope.counter('downstream_cx_rx_bytes_total'),
      downstreamCxTxBytesTotal: scope.counter('downstream_cx_tx_bytes_total'),
      istio: ctx.telemetry.tcpReporter(ctx.direction),
      accessLogger:
        config.accessLog.length === 0
          ? undefined
          : new AccessLogger(config.accessLog, (path) => ctx.telemetry.accessLogWriter(path)),
    };
    const pick = buildClusterPicker(config);
    return {
      onConnection: (socket, info) => proxyConnection(socket, info, config, stats, ctx.clusters, pick()),
      drain: () => {},
    };
  },
};

function buildClusterPicker(config: TcpProxy): () => string {
  const spec = config.clusterSpecifier;
  if (spec.kind === 'cluster') return () => spec.cluster;
  const total = spec.clusters.reduce((s, c) => s + c.weight, 0);
  return () => {
    let r = Math.floor(Math.random() * total);
    for (const c of spec.clusters) {
      if (r < c.weight) return c.name;
      r -= c.weight;
    }
    return spec.clusters[spec.clusters.length - 1]!.name;
  };
}

function proxyConnection(
  downstream: net.Socket,
  info: DownstreamConnectionInfo,
  config: TcpProxy,
  stats: TcpProxyStats,
  clusters: ClusterManager,
  clusterName: string,
): void {
  stats.downstreamCxTotal.inc();
  downstream.pause();
  downstream.on('error', noop);
  const logger = stats.accessLogger;
  if (logger !== undefined) {
    const entry = new TcpLogEntry(info, clusterName, Date.now());
    downstream.once('close', () => {
      entry.requestBodyBytes = downstream.bytesRead;
      entry.responseBodyBytes = downstream.bytesWritten;
      logger.log(entry, Date.now() - entry.startWallMs);
    });
    return connectAndSplice(downstream, info, config, stats, clusters, clusterName, entry);
  }
  connectAndSplice(downstream, info, config, stats, clusters, clusterName, undefined);
}

function connectAndSplice(
  downstream: net.Socket,
  info: DownstreamConnectionInfo,
  config: TcpProxy,
  stats: TcpProxyStats,
  clusters: ClusterManager,
  clusterName: string,
  entry: TcpLogEntry | undefined,
): void {
  const cluster = clusters.get(clusterName);
  if (cluster === undefined) {
    stats.downstreamCxNoRoute.inc();
    countFailed(stats.istio.series(clusterName, 'NC', info));
    if (entry !== undefined) entry.responseFlags = 'NC';
    downstream.destroy();
    return;
  }
  const ctx: LbContext = {
    hash: undefined,
    destination: { address: info.localAddress, port: info.localPort },
  };
  connectWithAttempts(
    cluster,
    ctx,
    config.maxConnectAttempts,
    downstream,
    (upstream) => {
      if (entry !== undefined) entry.upstreamHost = `${upstream.remoteAddress}:${upstream.remotePort}`;
      splice(downstream, upstream, config, stats, stats.istio.series(clusterName, '', info));
    },
    (flags) => {
      if (entry !== undefined) entry.responseFlags = flags;
      countFailed(stats.istio.series(clusterName, flags, info));
    },
  );
}

function connectWithAttempts(
  cluster: ClusterRuntime,
  ctx: LbContext,
  attempts: number,
  downstream: net.Socket,
  onUp: (upstream: net.Socket) => void,
  onFail: (flags: string) => void,
): void {
  const host = cluster.chooseHost(ctx);
  if (host === undefined || downstream.destroyed) {
    if (host === undefined) {
      cluster.stats.upstreamCxNoneHealthy.inc();
      onFail('UH');
    }
    downstream.destroy();
    return;
  }
  cluster.stats.upstreamCxTotal.inc();
  cluster.connectTcp(
    host,
    (upstream) => {
      cluster.stats.upstreamCxActive.inc();
      upstream.once('close', () => {
        cluster.stats.upstreamCxActive.dec();
        cluster.stats.upstreamCxDestroy.inc();
      });
      onUp(upstream);
    },
    (reason) => {
      if (reason === 'connect-timeout') cluster.stats.upstreamCxConnectTimeout.inc();
      else cluster.stats.upstreamCxConnectFail.inc();
      if (attempts > 1) connectWithAttempts(cluster, ctx, attempts - 1, downstream, onUp, onFail);
      else {
        onFail('UF');
        downstream.destroy();
      }
    },
  );
}

function countFailed(series: TcpSeries): void {
  series.opened++;
  series.closed++;
}

function splice(
  downstream: net.Socket,
  upstream: net.Socket,
  config: TcpProxy,
  stats: TcpProxyStats,
  istio: TcpSeries,
): void {
  upstream.on('error', noop);
  if (downstream.destroyed) {
    upstream.destroy();
    return;
  }
  istio.opened++;
  downstream.once('close', () => istio.closed++);
  downstream.pipe(upstream);
  upstream.pipe(downstream);
  downstream.on('data', (d: Buffer) => {
    stats.downstreamCxRxBytesTotal.add(d.length);
    istio.receivedBytes += d.length;
  });
  upstream.on('data', (d: Buffer) => {
    stats.downstreamCxTxBytesTotal.add(d.length);
    istio.sentBytes += d.length;
  });
  const closeBoth = (): void => {
    downstream.destroy();
    upstream.destroy();
  };
  downstream.once('close', () => (upstream.writableEnded ? upstream.destroySoon() : upstream.destroy()));
  upstream.once('close', () => (downstream.writableEnded ? downstream.destroySoon() : downstream.destroy()));
  if (config.idleTimeoutMs > 0) {
    let lastActivity = Date.now();
    const touch = (): void => {
      lastActivity = Date.now();
    };
    downstream.on('data', touch);
    upstream.on('data', touch);
    downstream.setTimeout(config.idleTimeoutMs, () => {
      if (Date.now() - lastActivity >= config.idleTimeoutMs) {
        stats.idleTimeout.inc();
        closeBoth();
      }
    });
  }
  downstream.resume();
}

function noop(): void {}
