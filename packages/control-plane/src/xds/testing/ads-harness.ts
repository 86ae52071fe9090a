import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DiscoveryRequest,
  DiscoveryResponse,
} from '@tandem/xds-proto';
import { AdsServer, type AdsServerOptions } from '../ads-server.ts';
import { SnapshotCache } from '../snapshot-cache.ts';
import type { XdsNode } from '../xds-node.ts';
import { type AdsTestStream, connectAds, openStream } from './ads-test-client.ts';

export type SotwStream = AdsTestStream<DiscoveryRequest, DiscoveryResponse>;
export type DeltaStream = AdsTestStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;

/** An ADS server on 127.0.0.1:0 with a cache, a client, and what the callbacks saw. */
export interface AdsHarness {
  readonly cache: SnapshotCache;
  readonly server: AdsServer;
  readonly port: number;
  readonly connected: XdsNode[];
  readonly disconnected: string[];
  sotw(): SotwStream;
  delta(): DeltaStream;
  close(): Promise<void>;
}

export const NODE = {
  id: 'sidecar~10.0.0.7~web-1.default~default.svc.cluster.local',
  cluster: 'web',
  locality: { region: 'r1', zone: 'z1', sub_zone: '' },
  metadata: { fields: { NAMESPACE: { stringValue: 'default' }, REPLICAS: { numberValue: 2 } } },
};

/** Starts a server; every node maps to the snapshot key `node.cluster` unless `onConnect` says otherwise. */
export async function startAds(options: Partial<AdsServerOptions> = {}): Promise<AdsHarness> {
  const cache = options.cache ?? new SnapshotCache();
  const connected: XdsNode[] = [];
  const disconnected: string[] = [];
  const server = new AdsServer({
    cache,
    onConnect:
      options.onConnect ??
      ((node) => {
        connected.push(node);
        return node.cluster;
      }),
    onDisconnect: (node, key) => disconnected.push(`${node.id}@${key}`),
    now: options.now ?? (() => Date.parse('2025-01-01T00:00:00Z')),
  });
  const port = await server.listen('127.0.0.1:0');
  const client = connectAds(port);
  const streams: { close(): void }[] = [];
  const track = <T extends { close(): void }>(stream: T) => {
    streams.push(stream);
    return stream;
  };
  return {
    cache,
    server,
    port,
    connected,
    disconnected,
    sotw: () => track(openStream<DiscoveryRequest, DiscoveryResponse>(client, 'StreamAggregatedResources')),
    delta: () =>
      track(openStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>(client, 'DeltaAggregatedResources')),
    close: async () => {
      for (const stream of streams) stream.close();
      client.close();
      await server.close();
    },
  };
}
