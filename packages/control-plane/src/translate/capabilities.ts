/**
 * What a consumer of the generated config can act on. Istio fields beyond these are left out of
 * its resources and reported in the translation notes. Tandem sidecars act on all of them; proxyless
 * gRPC reads what its gRFCs define.
 */
import type { ProxyInfo } from '../proxy/proxy-info.ts';

export interface Capabilities {
  retries: boolean;
  fault: boolean;
  mirror: boolean;
  cors: boolean;
  circuitBreakers: boolean;
  outlierDetection: boolean;
  /** Timeouts as max_stream_duration (gRPC reads those) rather than route timeouts. */
  maxStreamDuration: boolean;
}

const TANDEM_SIDECAR: Capabilities = {
  retries: true,
  fault: true,
  mirror: true,
  cors: true,
  circuitBreakers: true,
  outlierDetection: true,
  maxStreamDuration: false,
};

/** gRPC's xDS support (A27 and later gRFCs): routing, weights, timeouts, retries, fault injection. */
const GRPC: Capabilities = {
  retries: true,
  fault: true,
  mirror: false,
  cors: false,
  circuitBreakers: true,
  outlierDetection: false,
  maxStreamDuration: true,
};

export function capabilitiesOf(proxy: ProxyInfo): Capabilities {
  return proxy.kind === 'grpc' ? GRPC : TANDEM_SIDECAR;
}
