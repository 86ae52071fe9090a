/**
 * A malformed HTTP/1 message. `status` is what the proxy answers downstream (400, 431, 501, 505)
 * or, for a malformed upstream response, 502. `code` is stable (`TANDEM_ERR_HTTP1_*`).
 */
export class ParseError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
    this.status = status;
  }
}
