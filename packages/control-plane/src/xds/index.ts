export type { AdsContext, AdsSink, OnConnect, OnDisconnect } from './ads-connection.ts';
export { AdsServer, type AdsServerOptions } from './ads-server.ts';
export { assertSnapshotConsistent, findMissingResources } from './check-snapshot-consistency.ts';
export type {
  AdsCounters,
  AdsStatus,
  ConnectionStatus,
  NackStatus,
  TypeStatus,
} from './connection-status.ts';
export {
  type DebounceClock,
  type DebounceCounters,
  type DebounceOptions,
  Debouncer,
} from './debounce.ts';
export { ResourceCache } from './resource-cache.ts';
export { inPushOrder, PUSH_ORDER, resourceNameOf, WILDCARD } from './resource-types.ts';
export {
  buildSnapshot,
  resourcesOf,
  type Snapshot,
  type SnapshotResource,
  selectionVersion,
} from './snapshot.ts';
export { SnapshotCache, type SnapshotListener } from './snapshot-cache.ts';
export { nodeFromWire, type XdsNode } from './xds-node.ts';
export { XdsServerError, XdsServerErrorCode, type XdsServerErrorCodeValue } from './xds-server-error.ts';
