/**
 * Stable codes for configuration issues. Tools and tests match on these codes, never on message text.
 * Errors start with `TANDEM_ERR_`, warnings with `TANDEM_WARN_`.
 */
export const ConfigIssueCode = {
  /** The file is not valid YAML/JSON. */
  syntax: 'TANDEM_ERR_CONFIG_SYNTAX',
  /** A value has the wrong JSON type (a string where an object belongs, ...). */
  type: 'TANDEM_ERR_CONFIG_TYPE',
  /** A field name Envoy does not define for this message. */
  unknownField: 'TANDEM_ERR_CONFIG_UNKNOWN_FIELD',
  /** The same field given twice, as snake_case and as lowerCamelCase. */
  duplicateField: 'TANDEM_ERR_CONFIG_DUPLICATE_FIELD',
  /** A known Envoy field, enum value or extension that Tandem does not implement. */
  unsupported: 'TANDEM_ERR_CONFIG_UNSUPPORTED',
  /** A required field is missing. */
  required: 'TANDEM_ERR_CONFIG_REQUIRED',
  /** Two members of a oneof are set, or a required oneof has none. */
  oneof: 'TANDEM_ERR_CONFIG_ONEOF',
  /** A number outside its allowed range, or a string/list of the wrong length. */
  range: 'TANDEM_ERR_CONFIG_RANGE',
  /** An enum name or number that the enum does not define. */
  enumValue: 'TANDEM_ERR_CONFIG_ENUM',
  /** A malformed google.protobuf.Duration. */
  duration: 'TANDEM_ERR_CONFIG_DURATION',
  /** A typed_config whose `@type` is missing or not registered. */
  typeUrl: 'TANDEM_ERR_CONFIG_TYPE_URL',
  /** A regular expression that does not compile. */
  regex: 'TANDEM_ERR_CONFIG_REGEX',
  /** A value that breaks an Envoy rule not covered by a more specific code. */
  invalid: 'TANDEM_ERR_CONFIG_INVALID',
  /** Two elements that must be unique are not (names, addresses, domains, filter chain matches). */
  duplicate: 'TANDEM_ERR_CONFIG_DUPLICATE',
  /** A name that refers to a cluster or secret that is not defined. */
  reference: 'TANDEM_ERR_CONFIG_REFERENCE',
  /** A terminal filter that is not last, or a filter chain without a terminal filter. */
  filterOrder: 'TANDEM_ERR_CONFIG_FILTER_ORDER',
  /** Warning: a field Tandem accepts but ignores. */
  ignored: 'TANDEM_WARN_CONFIG_IGNORED',
  /** Warning: an optional HTTP filter of an unknown type was left out. */
  optionalFilterSkipped: 'TANDEM_WARN_CONFIG_OPTIONAL_FILTER_SKIPPED',
} as const;

export type ConfigIssueCodeValue = (typeof ConfigIssueCode)[keyof typeof ConfigIssueCode];
