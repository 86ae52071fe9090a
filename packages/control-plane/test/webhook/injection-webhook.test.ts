/**
 * The injection webhook over real HTTPS (127.0.0.1, port 0, a certificate from the self-signed
 * provider, verified by the client against the caBundle): the AdmissionReview requests in
 * shared/testdata/inject/admissionreview (read in place; one captured from a real API server) get
 * valid AdmissionReview responses whose patch, applied with fast-json-patch, yields exactly the pod
 * the injector makes; opt-outs and non-pods are allowed unchanged; bad input never crashes it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { injectPod } from '../../src/inject/inject-pod.ts';
import { defaultInjectSettings } from '../../src/inject/inject-settings.ts';
import type { Pod } from '../../src/inject/kube-pod.ts';
import { InjectionWebhookServer } from '../../src/webhook/injection-webhook-server.ts';
import { SelfSignedCertificateProvider } from '../../src/webhook/self-signed-certificate-provider.ts';

const DIR = path.resolve(import.meta.dirname, '../../../../../shared/testdata/inject/admissionreview');
const settings = defaultInjectSettings();

interface Reply {
  status: number;
  text: string;
  json: () => { apiVersion: string; kind: string; response: Record<string, unknown> };
}

let server: InjectionWebhookServer;
let port: number;
let ca: string;

function post(body: string | Buffer, contentType = 'application/json', urlPath = '/inject', method = 'POST') {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        ca,
        servername: 'tandem-control-plane.tandem-system.svc',
        headers: { 'content-type': contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function applyPatch(object: unknown, patchB64: string): unknown {
  const ops = JSON.parse(Buffer.from(patchB64, 'base64').toString('utf8'));
  assert.ok(Array.isArray(ops));
  fastJsonPatch.validate(ops, structuredClone(object));
  return fastJsonPatch.applyPatch(structuredClone(object), ops, true, false).newDocument;
}

before(async () => {
  const certs = await SelfSignedCertificateProvider.create({
    dnsNames: ['tandem-control-plane.tandem-system.svc'],
    ipAddresses: ['127.0.0.1'],
  });
  ca = certs.current().caBundlePem;
  server = new InjectionWebhookServer({ settings, certificates: certs, maxBodyBytes: 1024 * 1024 });
  port = await server.listen('127.0.0.1', 0);
});

after(async () => {
  await server.close();
});

const reviews = [
  ...readdirSync(path.join(DIR, 'generated')).map((f) => path.join('generated', f)),
  ...readdirSync(DIR).filter((f) => /^v1.*(request|captured|minimal)\.json$/.test(f)),
].sort();

describe('injection webhook: AdmissionReview requests from testdata', () => {
  for (const file of reviews) {
    it(file, async () => {
      const text = readFileSync(path.join(DIR, file), 'utf8');
      const review = JSON.parse(text);
      const reply = await post(text);
      assert.equal(reply.status, 200, reply.text);
      const out = reply.json();
      assert.equal(out.kind, 'AdmissionReview');
      assert.equal(out.apiVersion, review.apiVersion, 'answered in the request API version');
      assert.equal(out.response.uid, review.request.uid);
      assert.equal(out.response.allowed, true, JSON.stringify(out.response.status));
      const pod = review.request.object as Pod;
      const expected = injectPod(pod, settings, { namespace: review.request.namespace });
      if (!expected.injected) {
        assert.equal(out.response.patch, undefined, 'opt-out: allowed unchanged');
        assert.match(file, /ignore/);
        return;
      }
      assert.equal(out.response.patchType, 'JSONPatch');
      assert.deepEqual(applyPatch(pod, out.response.patch as string), expected.pod);
    });
  }

  it('allows a non-pod object unchanged', async () => {
    const review = JSON.parse(readFileSync(path.join(DIR, 'v1-pod-create-kubectl-minimal.json'), 'utf8'));
    review.request.kind = { group: 'apps', version: 'v1', kind: 'Deployment' };
    review.request.resource = { group: 'apps', version: 'v1', resource: 'deployments' };
    const out = (await post(JSON.stringify(review))).json();
    assert.deepEqual(out.response, { uid: review.request.uid, allowed: true });
  });

  it('allows a pod UPDATE unchanged', async () => {
    const review = JSON.parse(readFileSync(path.join(DIR, 'v1-pod-create-kubectl-minimal.json'), 'utf8'));
    review.request.operation = 'UPDATE';
    const out = (await post(JSON.stringify(review))).json();
    assert.deepEqual(out.response, { uid: review.request.uid, allowed: true });
  });

  it('refuses a pod with an invalid injection annotation, saying which', async () => {
    const review = JSON.parse(readFileSync(path.join(DIR, 'v1-pod-create-kubectl-minimal.json'), 'utf8'));
    review.request.object.metadata.annotations = { 'traffic.sidecar.istio.io/excludeInboundPorts': '*' };
    const out = (await post(JSON.stringify(review))).json();
    assert.equal(out.response.allowed, false);
    assert.match(
      (out.response.status as { message: string }).message,
      /TANDEM_ERR_INJECT_ANNOTATION: annotation traffic.sidecar.istio.io\/excludeInboundPorts: "\*"/,
    );
  });
});

describe('injection webhook: bad input', () => {
  it('415 for a body that is not JSON by content type', async () => {
    assert.equal((await post('{}', 'text/plain')).status, 415);
  });

  it('400 for an empty body', async () => {
    assert.equal((await post('')).status, 400);
  });

  it('allowed: false with a message for garbage', async () => {
    for (const body of [
      '{"kind":',
      'null',
      '[1,2]',
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}',
    ]) {
      const reply = await post(body);
      assert.equal(reply.status, 200);
      const out = reply.json();
      assert.equal(out.response.allowed, false, body);
      assert.match((out.response.status as { message: string }).message, /^TANDEM_ERR_WEBHOOK_BAD_REVIEW: /);
    }
  });

  it('allowed: false for a bare AdmissionRequest (no AdmissionReview envelope)', async () => {
    const text = readFileSync(path.join(DIR, 'kubewarden-request-only.pod_creation.json'), 'utf8');
    const out = (await post(text)).json();
    assert.equal(out.response.allowed, false);
  });

  it('413 for an oversized body, 404 and 405 for wrong path and method; still serving after all of it', async () => {
    assert.equal((await post(Buffer.alloc(2 * 1024 * 1024, 0x20))).status, 413);
    assert.equal((await post('{}', 'application/json', '/other')).status, 404);
    assert.equal((await post('', 'application/json', '/inject', 'GET')).status, 405);
    const ok = await post(readFileSync(path.join(DIR, 'v1-pod-create-kubectl-minimal.json')));
    assert.equal(ok.json().response.allowed, true);
    assert.ok(server.counters.injected > 0 && server.counters.http_errors >= 5);
  });
});
