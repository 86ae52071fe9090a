/** Stable codes of the errors this package throws. */
export const XdsProtoErrorCode = {
  /** A JSON field the message does not define. */
  unknownField: 'TANDEM_ERR_XDS_PROTO_UNKNOWN_FIELD',
  /** A JSON value of the wrong shape for its field (string for a number, bad duration text, ...). */
  invalidValue: 'TANDEM_ERR_XDS_PROTO_INVALID_VALUE',
  /** A type URL (resource or `@type` inside an Any) naming no loaded message. */
  unknownType: 'TANDEM_ERR_XDS_PROTO_UNKNOWN_TYPE',
  /** Two members of one oneof, or both spellings of one field. */
  conflict: 'TANDEM_ERR_XDS_PROTO_CONFLICT',
  /** Bytes that are not a valid encoding of the message. */
  decode: 'TANDEM_ERR_XDS_PROTO_DECODE',
  /** The .proto files could not be loaded. */
  load: 'TANDEM_ERR_XDS_PROTO_LOAD',
} as const;

export type XdsProtoErrorCodeValue = (typeof XdsProtoErrorCode)[keyof typeof XdsProtoErrorCode];

/**
 * A conversion error that names where it happened: `path` is the field path inside the resource in Envoy's
 * snake_case spelling, e.g. `filter_chains[0].filters[0].typed_config.stat_prefx`.
 */
export class XdsProtoError extends Error {
  readonly code: XdsProtoErrorCodeValue;
  readonly path: string;

  constructor(code: XdsProtoErrorCodeValue, path: string, message: string, options?: { cause?: unknown }) {
    super(path === '' ? message : `${path}: ${message}`, options);
    this.name = 'XdsProtoError';
    this.code = code;
    this.path = path;
  }
}

/** Joins a field name onto a path: `a.b`, or `b` at the root. */
export function fieldPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
