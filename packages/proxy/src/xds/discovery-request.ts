/**
 * The DiscoveryRequests the client sends, in proto3 JSON (encoded by `@tandem/xds-proto`), and the
 * node identity it reports: the bootstrap's id, cluster, metadata and locality, with Tandem as the
 * user agent.
 */
import { type NodeInfo, TANDEM_VERSION } from '@tandem/api/envoy';
import { encodeResource } from '@tandem/xds-proto/client';

const DISCOVERY_REQUEST = 'envoy.service.discovery.v3.DiscoveryRequest';

/** google.rpc.Code INVALID_ARGUMENT: what Envoy puts in a NACK's error_detail. */
const INVALID_ARGUMENT = 3;

export interface RequestFields {
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly resourceNames: readonly string[];
  readonly responseNonce: string;
  /** Set for a NACK. */
  readonly errorDetail?: string;
  /** Set when the node is sent with this request. */
  readonly node?: Record<string, unknown>;
}

/** The `node` of the first request (proto3 JSON). */
export function buildNode(node: NodeInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: node.id,
    cluster: node.cluster,
    metadata: node.metadata,
    user_agent_name: 'tandem',
    user_agent_version: TANDEM_VERSION,
  };
  if (node.locality !== undefined) {
    const { region, zone, subZone } = node.locality;
    out.locality = { region, zone, sub_zone: subZone };
  }
  return out;
}

/** The request in proto3 JSON. */
export function requestJson(fields: RequestFields): Record<string, unknown> {
  const json: Record<string, unknown> = {
    version_info: fields.versionInfo,
    resource_names: [...fields.resourceNames],
    type_url: fields.typeUrl,
    response_nonce: fields.responseNonce,
  };
  if (fields.node !== undefined) json.node = fields.node;
  if (fields.errorDetail !== undefined)
    json.error_detail = { code: INVALID_ARGUMENT, message: fields.errorDetail };
  return json;
}

/** Serializes a request for the wire. */
export function encodeRequest(fields: RequestFields): Buffer {
  return encodeResource(DISCOVERY_REQUEST, requestJson(fields));
}
