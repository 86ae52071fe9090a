import { readFileSync } from 'node:fs';
import type { DataSource, DirectResponseAction } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { requestUrl } from './redirect.ts';
import type { ConfigPath } from './route-config-error.ts';

/** Envoy's default `max_direct_response_body_size_bytes`. */
export const DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;

/**
 * A compiled `DirectResponseAction`. The body is read once, here: inline data, a file, or an
 * environment variable (this is config load, not a request). Like Envoy's local replies, a
 * non-empty body goes out with `content-type: text/plain` (and a content-length); an empty one with
 * neither. For 201 and 3xx statuses Envoy also sets `Location` to the request's own URL.
 */
export class CompiledDirectResponse {
  readonly kind = 'directResponse';
  readonly status: number;
  /** The body, or undefined when there is none or it is empty. */
  readonly body: Uint8Array | undefined;
  /** `text/plain` when there is a body, else undefined. */
  readonly contentType: string | undefined;
  /** True for 201 and 3xx: call `buildLocation` and send it as `Location`. */
  readonly addsLocation: boolean;

  constructor(d: DirectResponseAction, maxBodyBytes: number, at: ConfigPath) {
    if (!Number.isInteger(d.status) || d.status < 200 || d.status > 599) {
      throw at.at('status').error('must be an HTTP status from 200 to 599');
    }
    this.status = d.status;
    const body = d.body === undefined ? undefined : readDataSource(d.body, at.at('body'));
    if (body !== undefined && body.byteLength > maxBodyBytes) {
      throw at.at('body').error(`body is ${body.byteLength} bytes; the maximum is ${maxBodyBytes}`);
    }
    this.body = body !== undefined && body.byteLength > 0 ? body : undefined;
    this.contentType = this.body === undefined ? undefined : 'text/plain';
    this.addsLocation = d.status === 201 || (d.status >= 300 && d.status < 400);
  }

  /** The request's URL, for `Location` when `addsLocation`. */
  buildLocation(head: RequestHead): string {
    return requestUrl(head);
  }
}

function readDataSource(ds: DataSource, at: ConfigPath): Uint8Array {
  switch (ds.kind) {
    case 'inlineString':
      return Buffer.from(ds.value, 'utf8');
    case 'inlineBytes':
      return ds.value;
    case 'filename':
      try {
        return readFileSync(ds.filename);
      } catch (err) {
        throw at.at('filename').error(`cannot read ${ds.filename}: ${(err as Error).message}`);
      }
    case 'environmentVariable': {
      const v = process.env[ds.name];
      if (v === undefined) throw at.at('name').error(`environment variable ${ds.name} is not set`);
      return Buffer.from(v, 'utf8');
    }
  }
}
