/**
 * Errors with stable codes (`TANDEM_ERR_*`) that say which stage and which target failed, e.g.
 * `cluster "backend": endpoint 127.0.0.1:8080: connect ECONNREFUSED`.
 */
export class TandemError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TandemError';
    this.code = code;
  }
}
