/**
 * The mutating admission webhook over HTTPS: `POST /inject` with an AdmissionReview (JSON) answers an
 * AdmissionReview. HTTP-level problems get HTTP statuses: 404 other paths, 405 other methods, 415 a
 * body that is not JSON, 400 an empty body, 413 a body over the limit, 408 a body that does not
 * arrive in time. A body that is JSON but not a usable review gets 200 with `allowed: false` and
 * a message (the API server then shows the message). No request can crash the server. The serving
 * certificate comes from a `CertificateProvider` and is swapped in when it changes.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertificateProvider, ServingCertificate } from './certificate-provider.ts';
import {
  type AdmissionOptions,
  type AdmissionOutcome,
  type AdmissionResult,
  refuseUnreadable,
  reviewAdmission,
} from './review-admission.ts';

export interface WebhookServerOptions extends AdmissionOptions {
  certificates: CertificateProvider;
  /** Largest body accepted (the API server sends at most ~3 MiB). Default 8 MiB. */
  maxBodyBytes?: number;
  /** Time allowed to receive a request. Default 10 s (the API server's own timeout is below this). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export type WebhookCounters = Record<AdmissionOutcome | 'http_errors' | 'requests', number>;

export class InjectionWebhookServer {
  readonly counters: WebhookCounters = {
    requests: 0,
    injected: 0,
    skipped: 0,
    ignored: 0,
    refused: 0,
    http_errors: 0,
  };
  private readonly options: WebhookServerOptions;
  private readonly server: Server;
  private readonly unsubscribe: () => void;

  constructor(options: WebhookServerOptions) {
    this.options = options;
    this.server = createServer(tlsOptions(options.certificates.current()), (req, res) =>
      this.handle(req, res),
    );
    this.server.requestTimeout = options.requestTimeoutMs ?? 10_000;
    this.server.headersTimeout = Math.min(this.server.requestTimeout, 10_000);
    this.server.on('tlsClientError', () => {});
    this.unsubscribe = options.certificates.onChange((cert) =>
      this.server.setSecureContext(tlsOptions(cert)),
    );
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.counters.requests++;
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/inject' && !path?.startsWith('/inject/')) return this.fail(res, 404, 'not found');
    if (req.method !== 'POST') return this.fail(res, 405, 'use POST');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return this.fail(res, 415, `content type must be application/json, got "${type}"`);
    const limit = this.options.maxBodyBytes ?? 8 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        this.fail(res, 413, `body larger than ${limit} bytes`);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (res.headersSent) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return this.fail(res, 400, 'empty body');
      this.review(text, res);
    });
  }

  private review(text: string, res: ServerResponse): void {
    let result: AdmissionResult;
    try {
      result = reviewAdmission(JSON.parse(text), this.options);
    } catch (err) {
      result = refuseUnreadable((err as Error).message);
    }
    this.counters[result.outcome]++;
    if (result.outcome === 'refused') this.options.log?.(`webhook: refused: ${result.reason}`);
    const payload = JSON.stringify(result.review);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  }

  private fail(res: ServerResponse, status: number, message: string): void {
    this.counters.http_errors++;
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`${message}\n`);
  }
}

function tlsOptions(cert: ServingCertificate) {
  return { cert: cert.certChainPem, key: cert.keyPem, minVersion: 'TLSv1.2' as const };
}
