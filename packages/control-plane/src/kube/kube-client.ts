/**
 * A small Kubernetes API client: JSON requests and watch streams over node:http(s), nothing more.
 * Enough for list/watch informers, TokenReview, and patching the webhook configuration; lighter
 * than `@kubernetes/client-node` and with no dependency the sidecar would carry.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { KubeApiError, KubeErrorCode } from './kube-api-error.ts';
import type { KubeConnection } from './kube-config.ts';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface WatchHandle {
  /** Resolves when the stream ends (server timeout or close); rejects on a transport or HTTP error. */
  done: Promise<void>;
  abort(): void;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

function statusError(res: IncomingMessage, text: string, what: string): KubeApiError {
  let reason = '';
  let message = text.slice(0, 300);
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    reason = status.reason ?? '';
    message = status.message ?? message;
  } catch {}
  return new KubeApiError(
    KubeErrorCode.api,
    `${what}: HTTP ${res.statusCode}: ${message}`,
    res.statusCode ?? 0,
    reason,
  );
}

export class KubeClient {
  private readonly conn: KubeConnection;
  private readonly agent: Agent | undefined;
  private readonly secure: boolean;

  constructor(conn: KubeConnection) {
    this.conn = conn;
    this.secure = conn.server.startsWith('https:');
    this.agent = this.secure
      ? new Agent({
          keepAlive: true,
          ca: conn.caPem,
          cert: conn.certPem,
          key: conn.keyPem,
          rejectUnauthorized: conn.insecureSkipTlsVerify !== true,
        })
      : undefined;
  }

  get server(): string {
    return this.conn.server;
  }

  private open(method: string, path: string, headers: Record<string, string>): ClientRequest {
    const url = new URL(path, this.conn.server);
    const token = this.conn.token?.();
    const all = {
      accept: 'application/json',
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const opts = { method, headers: all, agent: this.agent };
    return this.secure ? httpsRequest(url, opts) : httpRequest(url, opts);
  }

  /** A JSON request; a non-2xx answer is a `KubeApiError` with the API's Status reason. */
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    return new Promise<T>((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = {};
      if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      const req = this.open(method, path, headers);
      req.setTimeout(options.timeoutMs ?? 30_000, () =>
        req.destroy(new KubeApiError(KubeErrorCode.api, `${what}: timed out`)),
      );
      req.on('error', (err) =>
        reject(
          err instanceof KubeApiError ? err : new KubeApiError(KubeErrorCode.api, `${what}: ${err.message}`),
        ),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new KubeApiError(KubeErrorCode.api, `${what}: ${err.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) return reject(statusError(res, text, what));
          try {
            resolve((text === '' ? {} : JSON.parse(text)) as T);
          } catch {
            reject(new KubeApiError(KubeErrorCode.api, `${what}: answer is not JSON`, res.statusCode ?? 0));
          }
        });
      });
      req.end(payload);
    });
  }

  /**
   * Opens a watch (`path` already carries `watch=true&resourceVersion=...`) and calls `onEvent` for
   * each JSON line. An HTTP error status rejects `done` with a `KubeApiError` (410 for Gone).
   */
  watch(path: string, onEvent: (event: WatchEvent) => void): WatchHandle {
    const what = `WATCH ${path.split('?')[0]}`;
    let req: ClientRequest | undefined;
    let aborted = false;
    const done = new Promise<void>((resolve, reject) => {
      req = this.open('GET', path, {});
      const fail = (err: Error) =>
        aborted
          ? resolve()
          : reject(
              err instanceof KubeApiError
                ? err
                : new KubeApiError(KubeErrorCode.watch, `${what}: ${err.message}`),
            );
      req.on('error', fail);
      req.on('response', (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => fail(statusError(res, Buffer.concat(chunks).toString('utf8'), what)));
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line !== '') {
              try {
                onEvent(JSON.parse(line) as WatchEvent);
              } catch (err) {
                req?.destroy();
                return fail(
                  new KubeApiError(KubeErrorCode.watch, `${what}: bad event: ${(err as Error).message}`),
                );
              }
            }
            nl = buffered.indexOf('\n');
          }
        });
        res.on('error', fail);
        res.on('end', () => resolve());
        res.on('close', () => (res.complete ? resolve() : fail(new Error('stream closed'))));
      });
      req.end();
    });
    return {
      done,
      abort: () => {
        aborted = true;
        req?.destroy();
      },
    };
  }

  close(): void {
    this.agent?.destroy();
  }
}
