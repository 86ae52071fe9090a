import type { WireNode, WireStruct, WireValue } from '@tandem/xds-proto';

/** The identity a client sends in its first request (envoy.config.core.v3.Node), as plain values. */
export interface XdsNode {
  readonly id: string;
  readonly cluster: string;
  /** The node's metadata Struct as plain JSON (Istio puts NAMESPACE, LABELS, ... here). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string } | undefined;
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly clientFeatures: readonly string[];
}

/** Converts the node of a request (proto-loader's shape) to an {@link XdsNode}. */
export function nodeFromWire(node: WireNode): XdsNode {
  return {
    id: node.id ?? '',
    cluster: node.cluster ?? '',
    metadata: node.metadata === null || node.metadata === undefined ? {} : structToJson(node.metadata),
    locality:
      node.locality === null || node.locality === undefined
        ? undefined
        : { region: node.locality.region, zone: node.locality.zone, subZone: node.locality.sub_zone },
    userAgentName: node.user_agent_name ?? '',
    userAgentVersion: node.user_agent_version ?? '',
    clientFeatures: node.client_features ?? [],
  };
}

function structToJson(struct: WireStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(struct.fields ?? {})) out[key] = valueToJson(value);
  return out;
}

function valueToJson(value: WireValue): unknown {
  switch (value.kind) {
    case 'numberValue':
      return value.numberValue;
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'structValue':
      return value.structValue === undefined ? {} : structToJson(value.structValue);
    case 'listValue':
      return (value.listValue?.values ?? []).map(valueToJson);
    default:
      return null;
  }
}
