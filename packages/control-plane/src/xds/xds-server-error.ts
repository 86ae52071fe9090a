/** Stable codes of the errors the xDS server and its snapshot cache raise. */
export const XdsServerErrorCode = {
  /** A snapshot names a resource it does not contain (an RDS route config, an EDS assignment). */
  inconsistentSnapshot: 'TANDEM_ERR_XDS_SNAPSHOT_INCONSISTENT',
  /** A resource in a snapshot cannot be encoded, has no name, or shares its name with another. */
  invalidResource: 'TANDEM_ERR_XDS_SNAPSHOT_RESOURCE',
  /** A client broke the protocol (no node on the first request, no type URL). */
  protocol: 'TANDEM_ERR_XDS_PROTOCOL',
  /** The onConnect callback refused a node. */
  nodeRejected: 'TANDEM_ERR_XDS_NODE_REJECTED',
  /** The server could not bind its address. */
  bind: 'TANDEM_ERR_XDS_BIND',
} as const;

export type XdsServerErrorCodeValue = (typeof XdsServerErrorCode)[keyof typeof XdsServerErrorCode];

/** An error of the xDS server with a stable `TANDEM_ERR_XDS_*` code. */
export class XdsServerError extends Error {
  readonly code: XdsServerErrorCodeValue;

  constructor(code: XdsServerErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XdsServerError';
    this.code = code;
  }
}
