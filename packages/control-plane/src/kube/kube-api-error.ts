/** Errors from the Kubernetes API, with the HTTP status and the API's own reason when it sent one. */

export const KubeErrorCode = {
  api: 'TANDEM_ERR_KUBE_API',
  config: 'TANDEM_ERR_KUBE_CONFIG',
  watch: 'TANDEM_ERR_KUBE_WATCH',
} as const;

export type KubeErrorCodeValue = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

export class KubeApiError extends Error {
  readonly code: KubeErrorCodeValue;
  /** HTTP status, or 0 when the request never got one (connection refused, reset). */
  readonly status: number;
  /** `Status.reason` (`Expired`, `NotFound`, `Forbidden`, ...) when the API sent a Status. */
  readonly reason: string;

  constructor(code: KubeErrorCodeValue, message: string, status = 0, reason = '') {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.status = status;
    this.reason = reason;
  }

  /** 410 Gone: the resourceVersion is too old; the only way on is a fresh list. */
  get gone(): boolean {
    return this.status === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}
