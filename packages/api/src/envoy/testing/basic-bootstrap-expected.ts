/** What test/fixtures/valid/basic.yaml validates into: every default spelled out. */
import type { Bootstrap, HeaderMutations } from '../types.ts';

const noHeaders: HeaderMutations = {
  requestHeadersToAdd: [],
  requestHeadersToRemove: [],
  responseHeadersToAdd: [],
  responseHeadersToRemove: [],
};

const http2Defaults = {
  maxConcurrentStreams: 2147483647,
  initialStreamWindowSize: 268435456,
  initialConnectionWindowSize: 268435456,
};

export const BASIC_BOOTSTRAP: Bootstrap = {
  node: {
    id: 'sidecar~10.0.0.1~web-1.default~default.svc.cluster.local',
    cluster: 'web',
    metadata: { team: 'payments' },
    locality: { region: 'eu-west-1', zone: 'eu-west-1a', subZone: '' },
  },
  admin: { address: { address: '127.0.0.1', portValue: 9901 } },
  staticResources: {
    listeners: [
      {
        name: 'ingress',
        address: { address: '0.0.0.0', portValue: 10000 },
        filterChains: [
          {
            name: '',
            filterChainMatch: {
              destinationPort: undefined,
              prefixRanges: [],
              sourcePrefixRanges: [],
              sourcePorts: [],
              serverNames: [],
              transportProtocol: '',
              applicationProtocols: [],
            },
            filters: [
              {
                name: 'envoy.filters.network.http_connection_manager',
                kind: 'http_connection_manager',
                config: {
                  statPrefix: 'ingress_http',
                  codecType: 'AUTO',
                  routeSpecifier: {
                    kind: 'routeConfig',
                    routeConfig: {
                      name: 'local_route',
                      virtualHosts: [
                        {
                          name: 'web',
                          domains: ['*'],
                          routes: [
                            {
                              name: '',
                              match: {
                                path: { kind: 'prefix', value: '/' },
                                caseSensitive: true,
                                headers: [],
                                queryParameters: [],
                                grpc: false,
                              },
                              action: {
                                kind: 'route',
                                cluster: { kind: 'cluster', name: 'web' },
                                prefixRewrite: undefined,
                                regexRewrite: undefined,
                                hostRewrite: undefined,
                                timeoutMs: 2500,
                                idleTimeoutMs: undefined,
                                hashPolicy: [],
                                upgradeConfigs: [],
                                maxStreamDurationMs: undefined,
                                grpcTimeoutHeaderMaxMs: undefined,
                              },
                              headers: noHeaders,
                            },
                          ],
                          headers: noHeaders,
                          requireTls: 'NONE',
                        },
                      ],
                      headers: noHeaders,
                      mostSpecificHeaderMutationsWins: false,
                    },
                  },
                  httpFilters: [
                    {
                      name: 'envoy.filters.http.router',
                      typeUrl: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
                      config: { kind: 'router' },
                    },
                  ],
                  maxRequestHeadersKb: 60,
                  maxHeadersCount: 100,
                  requestTimeoutMs: 0,
                  requestHeadersTimeoutMs: 0,
                  streamIdleTimeoutMs: 300000,
                  idleTimeoutMs: 3600000,
                  maxConnectionDurationMs: 0,
                  maxRequestsPerConnection: 0,
                  maxStreamDurationMs: 0,
                  headersWithUnderscoresAction: 'ALLOW',
                  useRemoteAddress: false,
                  skipXffAppend: false,
                  generateRequestId: true,
                  preserveExternalRequestId: false,
                  serverName: 'envoy',
                  serverHeaderTransformation: 'OVERWRITE',
                  upgradeConfigs: [],
                  normalizePath: false,
                  mergeSlashes: false,
                  http1: { acceptHttp10: false, defaultHostForHttp10: '' },
                  http2: http2Defaults,
                  delayedCloseTimeoutMs: 1000,
                  accessLog: [],
                  tracing: undefined,
                },
              },
            ],
            transportSocket: undefined,
          },
        ],
        defaultFilterChain: undefined,
        listenerFilters: [],
        listenerFiltersTimeoutMs: 15000,
        continueOnListenerFiltersTimeout: false,
        perConnectionBufferLimitBytes: 1048576,
        trafficDirection: 'UNSPECIFIED',
        bindToPort: true,
        useOriginalDst: false,
      },
    ],
    clusters: [
      {
        name: 'web',
        type: 'STATIC',
        connectTimeoutMs: 250,
        lbPolicy: 'ROUND_ROBIN',
        cleanupIntervalMs: 5000,
        loadAssignment: {
          clusterName: 'web',
          endpoints: [
            {
              locality: undefined,
              lbEndpoints: [
                {
                  address: { address: '127.0.0.1', portValue: 8080 },
                  hostname: '',
                  healthStatus: 'UNKNOWN',
                  loadBalancingWeight: 1,
                },
              ],
              loadBalancingWeight: 0,
              priority: 0,
            },
          ],
          overprovisioningFactor: 140,
        },
        edsServiceName: undefined,
        dnsLookupFamily: 'AUTO',
        dnsRefreshRateMs: 5000,
        protocol: 'http1',
        http2: http2Defaults,
        idleTimeoutMs: 3600000,
        maxRequestsPerConnection: 0,
        transportSocket: undefined,
        perConnectionBufferLimitBytes: 1048576,
        ringHash: { minimumRingSize: 1024, maximumRingSize: 8388608 },
        maglev: { tableSize: 65537 },
        leastRequest: { choiceCount: 2 },
        healthyPanicThresholdPercent: 50,
        localityWeightedLb: false,
      },
    ],
    secrets: [],
  },
};
