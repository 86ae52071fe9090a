/**
 * The discovery messages as proto-loader delivers them with {@link ADS_LOADER_OPTIONS} (proto field names,
 * enums as names, defaults filled in). Resource bodies stay encoded: decode them with `decodeResource`.
 */

/** google.protobuf.Any as proto-loader carries it. */
export interface WireAny {
  type_url: string;
  value: Buffer | Uint8Array;
}

/** google.rpc.Status: what a client puts in `error_detail` when it NACKs. */
export interface WireStatus {
  code: number;
  message: string;
  details?: WireAny[];
}

/** google.protobuf.Value in proto-loader's shape (protobufjs bundles struct.proto with camelCase names). */
export interface WireValue {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: WireStruct;
  listValue?: { values: WireValue[] };
}

export interface WireStruct {
  fields: Record<string, WireValue>;
}

export interface WireLocality {
  region: string;
  zone: string;
  sub_zone: string;
}

/** envoy.config.core.v3.Node, the identity a client sends in its first request. */
export interface WireNode {
  id: string;
  cluster: string;
  metadata: WireStruct | null;
  locality: WireLocality | null;
  user_agent_name: string;
  user_agent_version?: string;
  client_features: string[];
}

export interface DiscoveryRequest {
  version_info: string;
  node: WireNode | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail: WireStatus | null;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: WireAny[];
  type_url: string;
  nonce: string;
  canary?: boolean;
}

export interface DeltaDiscoveryRequest {
  node: WireNode | null;
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail: WireStatus | null;
}

/** envoy.service.discovery.v3.Resource, one entry of a delta response. */
export interface DeltaResource {
  name: string;
  version: string;
  resource: WireAny;
  aliases?: string[];
}

export interface DeltaDiscoveryResponse {
  system_version_info: string;
  resources: DeltaResource[];
  type_url: string;
  removed_resources: string[];
  nonce: string;
}
