/** Entry point the proxy loads lazily (so a static-only proxy never loads gRPC or the protos). */
import { AdsClient, type AdsClientOptions } from './ads-client.ts';
import type { XdsClientHandle, XdsTarget } from './xds-target.ts';

export function startXdsClient(target: XdsTarget, options: AdsClientOptions): XdsClientHandle {
  return new AdsClient(target, options);
}
