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
  /**
   * The proxy sees the address the application dialled (transparent interception), so a cluster can
   * send to it (ORIGINAL_DST: DestinationRule PASSTHROUGH).
   */
  originalDestination: boolean;
}

const TANDEM_SIDECAR: Capabilities = {
  retries: true,
  fault: true,
  mirror: true,
  cors: true,
  circuitBreakers: true,
  outlierDetection: true,
  maxStreamDuration: false,
  originalDestination: false,
};

const TANDEM_TRANSPARENT_SIDECAR: Capabilities = { ...TANDEM_SIDECAR, originalDestination: true };

/** gRPC's xDS support (A27 and later gRFCs): routing, weights, timeouts, retries, fault injection. */
const GRPC: Capabilities = {
  retries: true,
  fault: true,
  mirror: false,
  cors: false,
  circuitBreakers: true,
  outlierDetection: false,
  maxStreamDuration: true,
  originalDestination: false,
};

export function capabilitiesOf(proxy: ProxyInfo): Capabilities {
  if (proxy.kind === 'grpc') return GRPC;
  return proxy.kind === 'sidecar' && proxy.interceptionMode !== 'NONE'
    ? TANDEM_TRANSPARENT_SIDECAR
    : TANDEM_SIDECAR;
}

/** What memo keys must tell apart: the proxy kind, and whether it has original destinations. */
export function capabilitiesKey(proxy: ProxyInfo, caps: Capabilities): string {
  return caps.originalDestination ? `${proxy.kind}+odst` : proxy.kind;
}

/** DestinationRule PASSTHROUGH, where the proxy can honour it. */
export function sendsToOriginalDestination(
  caps: Capabilities,
  lb: { kind: string; simple?: string } | undefined,
): boolean {
  return caps.originalDestination && lb?.kind === 'simple' && lb.simple === 'PASSTHROUGH';
}
