import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { rawObject } from '../testing/raw-objects.ts';
import { parseIstioDocuments } from './parse-istio-documents.ts';
import { readIstioConfig } from './read-istio-config.ts';
import { validateIstioObject } from './validate-istio-object.ts';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: -5
`;

describe('parseIstioDocuments', () => {
  it('splits multi-document files, skips empty documents and expands Lists', () => {
    const text = `---\n${VS}---\n\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {ports: [{port: 80}]}}\n- {apiVersion: v1, kind: Service, metadata: {name: b}, spec: {ports: [{port: 81}]}}\n`;
    const { documents, issues } = parseIstioDocuments(text, 'all.yaml');
    assert.deepEqual(issues, []);
    assert.deepEqual(
      documents.map((d) => `${d.kind}#${d.index}.${d.item}`),
      ['VirtualService#0.-1', 'Service#2.0', 'Service#2.1'],
    );
  });

  it('reports syntax errors with file, line and column', () => {
    const { issues } = parseIstioDocuments('a: [1, 2\nb: c\n', 'bad.yaml');
    assert.equal(issues[0]!.code, 'TANDEM_ERR_CONFIG_SYNTAX');
    assert.match(issues[0]!.message, /^bad\.yaml: line \d+, column \d+: /);
  });

  it('reads IPv6 addresses in flow lists as Kubernetes does', () => {
    const { documents } = parseIstioDocuments('a: [1.2.3.4, 2001:db8::]\n', 'x.yaml');
    assert.deepEqual(documents[0]!.raw.a, ['1.2.3.4', '2001:db8::']);
  });
});

describe('validateIstioObject', () => {
  it('names the file, the object and the field path in each message', () => {
    const { documents } = parseIstioDocuments(VS, 'bookinfo.yaml');
    const r = validateIstioObject(documents[0]!.raw, 'bookinfo.yaml');
    assert.equal(r.ok, false);
    assert.equal(
      r.ok ? '' : r.errors[0]!.message,
      'bookinfo.yaml: VirtualService default/reviews: spec.http[0].route[0].weight: must be at least 0 (weights are relative and cannot be negative), got -5',
    );
    assert.equal(r.ok ? '' : r.errors[0]!.path, 'spec.http[0].route[0].weight');
  });

  it('fills in object metadata and accepts every supported API version', () => {
    for (const apiVersion of [
      'networking.istio.io/v1',
      'networking.istio.io/v1beta1',
      'networking.istio.io/v1alpha3',
    ]) {
      const r = validateIstioObject(
        { ...rawObject('Sidecar', { egress: [{ hosts: ['./*'] }] }), apiVersion },
        's.yaml',
      );
      assert.ok(r.ok);
      assert.deepEqual(r.object.meta, {
        name: 'test',
        namespace: 'default',
        labels: {},
        annotations: {},
        source: 's.yaml',
      });
    }
  });

  it('checks the envelope', () => {
    const missing = validateIstioObject({ apiVersion: 'v1' }, 'x.yaml');
    assert.ok(
      !missing.ok &&
        missing.errors.some((e) => e.code === IstioIssueCode.object && /missing kind/.test(e.message)),
    );
    const badName = validateIstioObject(
      { ...rawObject('Sidecar', { egress: [{ hosts: ['./*'] }] }), metadata: { name: 'Bad_Name' } },
      'x.yaml',
    );
    assert.ok(
      !badName.ok && /metadata\.name: "Bad_Name" is not a valid object name/.test(badName.errors[0]!.message),
    );
    const extra = validateIstioObject(
      { ...rawObject('Sidecar', { egress: [{ hosts: ['./*'] }] }), extra: 1 },
      'x.yaml',
    );
    assert.ok(extra.ok && extra.warnings.some((w) => w.code === IstioIssueCode.unknownTopLevelField));
  });

  it('reports kinds and versions it does not apply as not supported, and still checks recognized ones', () => {
    // WasmPlugin is recognized (checked) but not applied.
    const wasm = validateIstioObject(
      {
        ...rawObject('WasmPlugin', { selector: { matchLabels: { app: 'x' } } }),
        apiVersion: 'extensions.istio.io/v1alpha1',
      },
      'w.yaml',
    );
    assert.ok(!wasm.ok && wasm.supported === false);
    assert.match(wasm.errors.map((e) => e.message).join('\n'), /missing required field "url"/);
    assert.ok(wasm.warnings.some((w) => w.code === IstioIssueCode.unsupportedKind));
    const old = validateIstioObject(
      { ...rawObject('VirtualService', {}), apiVersion: 'networking.istio.io/v1alpha1' },
      'v.yaml',
    );
    assert.ok(
      !old.ok &&
        old.errors.length === 0 &&
        /VirtualService is read as networking\.istio\.io\/v1/.test(old.warnings[0]!.message),
    );
    const deployment = validateIstioObject(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} },
      'd.yaml',
    );
    assert.ok(
      !deployment.ok &&
        deployment.errors.length === 0 &&
        deployment.warnings[0]!.code === IstioIssueCode.unsupportedKind,
    );
  });
});

describe('readIstioConfig', () => {
  it('returns only valid objects of supported kinds', () => {
    const text = `${VS}---\n${VS.replace('weight: -5', 'weight: 5').replace('name: reviews', 'name: ok')}`;
    const read = readIstioConfig(text, 'r.yaml');
    assert.deepEqual(
      read.objects.map((o) => o.meta.name),
      ['ok'],
    );
    assert.equal(read.issues.filter(isErrorIssue).length, 1);
  });
});
