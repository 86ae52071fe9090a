/**
 * Stable codes for Istio config issues that the generic `ConfigIssueCode`s do not cover. Field-level
 * problems (types, ranges, enums, required fields) keep the generic codes.
 */
export const IstioIssueCode = {
  /** apiVersion, kind or metadata are missing or malformed. */
  object: 'TANDEM_ERR_ISTIO_OBJECT',
  /** A VirtualService (bound to the mesh) routes to a host that no Service or ServiceEntry defines. */
  unknownHost: 'TANDEM_ERR_ISTIO_UNKNOWN_HOST',
  /** A route names a subset that no DestinationRule for its host defines. */
  unknownSubset: 'TANDEM_ERR_ISTIO_UNKNOWN_SUBSET',
  /** Notice: a kind (or apiVersion) Tandem does not apply; the object is checked but not used. */
  unsupportedKind: 'TANDEM_WARN_ISTIO_UNSUPPORTED_KIND',
  /** A valid Istio field that Tandem does not implement yet; it is ignored. */
  unsupportedField: 'TANDEM_WARN_ISTIO_UNSUPPORTED_FIELD',
  /** A deprecated field or form that still works. */
  deprecated: 'TANDEM_WARN_ISTIO_DEPRECATED',
  /** Config that is valid but has no effect or a surprising one (unreachable rules, empty selectors). */
  ineffective: 'TANDEM_WARN_ISTIO_INEFFECTIVE',
  /** A top-level field other than apiVersion, kind, metadata, spec and status; it is ignored. */
  unknownTopLevelField: 'TANDEM_WARN_ISTIO_UNKNOWN_TOP_LEVEL_FIELD',
  /** The same kind/namespace/name is defined more than once; the last definition wins. */
  redefined: 'TANDEM_WARN_ISTIO_REDEFINED',
  /** Several VirtualServices bound to the mesh claim the same host. */
  hostConflict: 'TANDEM_WARN_ISTIO_HOST_CONFLICT',
  /** Several DestinationRules without a workload selector apply to the same host. */
  duplicateDestinationRule: 'TANDEM_WARN_ISTIO_DUPLICATE_DESTINATION_RULE',
  /** Several ServiceEntries in one namespace define the same host. */
  serviceEntryConflict: 'TANDEM_WARN_ISTIO_SERVICE_ENTRY_CONFLICT',
  /** A workload selector (Sidecar, policy) matches no known workload. */
  noMatchingWorkload: 'TANDEM_WARN_ISTIO_NO_MATCHING_WORKLOAD',
  /** A VirtualService binds to a Gateway that no analyzed object defines (Istio's IST0101). */
  unknownGateway: 'TANDEM_WARN_ISTIO_UNKNOWN_GATEWAY',
  /** A DestinationRule subset's labels match no known endpoint of its host. */
  subsetWithoutEndpoints: 'TANDEM_WARN_ISTIO_SUBSET_WITHOUT_ENDPOINTS',
} as const;
