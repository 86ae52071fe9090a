/** Why a pod cannot be injected: an invalid annotation or an unusable pod. Stable codes. */

export const InjectErrorCode = {
  /** A Tandem/Istio annotation has a value the injector cannot use. */
  annotation: 'TANDEM_ERR_INJECT_ANNOTATION',
  /** The object is not a pod (no `spec.containers`). */
  notAPod: 'TANDEM_ERR_INJECT_NOT_A_POD',
  /** The injection settings file has an unknown key or a value of the wrong type. */
  settings: 'TANDEM_ERR_INJECT_SETTINGS',
} as const;

export type InjectErrorCodeValue = (typeof InjectErrorCode)[keyof typeof InjectErrorCode];

export class InjectError extends Error {
  readonly code: InjectErrorCodeValue;

  constructor(code: InjectErrorCodeValue, message: string) {
    super(message);
    this.name = 'InjectError';
    this.code = code;
  }
}
