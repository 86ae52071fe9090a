/** Stable code of load-balancer configuration errors. */
export const LB_CONFIG_ERROR_CODE = 'TANDEM_ERR_LB_CONFIG';

/** A load balancer cannot be built from a cluster's config; the message names cluster and field. */
export class LoadBalancerConfigError extends Error {
  readonly code = LB_CONFIG_ERROR_CODE;

  constructor(message: string) {
    super(message);
    this.name = 'LoadBalancerConfigError';
  }
}
