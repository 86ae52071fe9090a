/**
 * Istio's own validation corpus (testdata/istio/validation, read in place): every document of
 * `crds/*-invalid.yaml` is rejected with a message meaning what its `_err` says; every object of a supported
 * kind in `crds/*-valid.yaml` and `valid-dataset/` is accepted; other kinds are reported as not supported.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isErrorIssue } from '../istio-issue.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { type IstioDocument, parseIstioDocuments } from './parse-istio-documents.ts';
import { validateIstioObject } from './validate-istio-object.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../../../../shared/testdata/istio/validation');
const CRDS = path.join(CORPUS, 'crds');
const VALID_DATASET = path.join(CORPUS, 'valid-dataset');

/** What our message must say for each invalid document (`file#document index`), given Istio's `_err`. */
const EXPECTED: Readonly<Record<string, RegExp>> = {
  'authz-invalid.yaml#0': /source: serviceAccounts cannot be set together with namespaces or principals/,
  'authz-invalid.yaml#1': /source: serviceAccounts cannot be set together with namespaces or principals/,
  'destinationrule-invalid.yaml#0':
    /spec\.trafficPolicy\.loadBalancer\.warmup\.minimumPercent: must be between 0 and 100/,
  'destinationrule-invalid.yaml#1':
    /spec\.trafficPolicy\.loadBalancer\.warmup\.duration: missing required field "duration"/,
  'destinationrule-invalid.yaml#2':
    /spec\.trafficPolicy\.loadBalancer\.warmup\.aggression: must be at least 0/,
  'envoyfilter-invalid.yaml#0':
    /spec\.configPatches\[0\]\.match: the waypoint match is only supported when context is WAYPOINT/,
  'envoyfilter-invalid.yaml#1':
    /spec\.configPatches\[0\]\.match: with context WAYPOINT only the waypoint match is supported/,
  'envoyfilter-invalid.yaml#2':
    /spec\.configPatches\[0\]\.match\.waypoint\.portNumber: port must be between 1 and 65535/,
  'peerauth-invalid.yaml#0': /spec\.mtls\.mode: "BLAH" is not a Mode value/,
  'peerauth-invalid.yaml#1': /spec\.portLevelMtls\["acd"\]: port "acd" is not a number/,
  'peerauth-invalid.yaml#2': /spec\.portLevelMtls: portLevelMtls requires a selector/,
  'peerauth-invalid.yaml#3': /spec\.portLevelMtls: portLevelMtls, when set, needs at least one port/,
  'peerauth-invalid.yaml#4': /spec\.portLevelMtls\["0"\]: port 0 must be between 1 and 65535/,
  'peerauth-invalid.yaml#5': /spec\.portLevelMtls\["42949672"\]: port 42949672 must be between 1 and 65535/,
  'proxyconfig-invalid.yaml#0': /spec\.concurrency: concurrency must be 0 or more/,
  'proxyconfig-invalid.yaml#1': /spec\.selector\.matchLabels\[""\]: label key must not be empty/,
  'telemetry-invalid.yaml#0': /spec\.metrics\[0\]\.providers\[0\]\.name: provider name must not be empty/,
  'telemetry-invalid.yaml#1':
    /spec\.metrics\[0\]\.overrides\[0\]\.match\.customMetric: customMetric must not be empty/,
  'telemetry-invalid.yaml#2': /tagOverrides\["foo"\]\.value: value must be set when operation is UPSERT/,
  'telemetry-invalid.yaml#3': /tagOverrides\["foo"\]\.value: value must not be set when operation is REMOVE/,
  'wasm-invalid.yaml#0': /spec\.match\[0\]\.ports\[0\]\.number: missing required field "number"/,
  'wasm-invalid.yaml#1': /spec\.url: url must not be empty/,
  'wasm-invalid.yaml#2': /spec\.url: url "#%blah\$#@" must have a scheme of http, https, oci, file/,
  'wasm-invalid.yaml#3':
    /spec\.url: url "fake:\/\/example\.com" must have a scheme of http, https, oci, file/,
  'wasm-invalid.yaml#4': /spec\.sha256: sha256 must be 64 lowercase hexadecimal digits/,
  'wasm-invalid.yaml#5': /spec\.imagePullSecret: imagePullSecret must not be empty/,
  'wasm-invalid.yaml#6': /spec\.pluginName: pluginName must not be empty/,
  'wasm-invalid.yaml#7': /spec\.vmConfig\.env\[1\]\.name: duplicate env name "a"/,
  'wasm-invalid.yaml#8': /spec\.vmConfig\.env\[0\]\.name: env name must not be empty/,
  'wasm-invalid.yaml#9': /spec\.vmConfig\.env\[0\]\.value: value may only be set when valueFrom is INLINE/,
  'wasm-invalid.yaml#10': /spec\.vmConfig\.env\[0\]\.value: value may only be set when valueFrom is INLINE/,
  'wasm-invalid.yaml#11': /: spec: spec must be an object, got null/,
  'wasm-invalid.yaml#12': /spec\.url: expected a string, got null/,
  'wasm-invalid.yaml#13':
    /spec\.selector\.matchLabels\["istio"\]: wildcard "\*" is not allowed in a label value/,
  'wasm-invalid.yaml#14':
    /spec\.selector\.matchLabels\["istio\*"\]: wildcard "\*" is not allowed in a label key/,
  'workloadentry-invalid.yaml#0': /: spec: missing required field "spec"/,
  'workloadentry-invalid.yaml#1': /spec\.address: address is required/,
  'workloadentry-invalid.yaml#2': /spec\.address: unix socket "\/dir\/" names a directory/,
  'workloadentry-invalid.yaml#3':
    /spec\.address: unix socket "relative" must be an absolute path or an abstract socket/,
  'workloadentry-invalid.yaml#4': /spec\.ports: a unix socket address \(unix:\/\/@foo\) cannot have ports/,
  'workloadentry-invalid.yaml#5': /spec\.ports\["http"\]: must be between 1 and 65535/,
  'workloadentry-invalid.yaml#6': /spec\.ports\["@"\]: invalid port name "@"/,
  'workloadgroup-invalid.yaml#0': /: spec: missing required field "spec"/,
  'workloadgroup-invalid.yaml#1': /spec\.probe\.tcpSocket\.port: port must be between 1 and 65535/,
  'workloadgroup-invalid.yaml#2':
    /spec\.probe\.httpGet\.httpHeaders\[0\]\.name: "\*\*" is not a valid header name/,
};

const SUPPORTED = new Set([
  'Telemetry',
  'VirtualService',
  'DestinationRule',
  'ServiceEntry',
  'WorkloadEntry',
  'Sidecar',
  'Gateway',
  'EnvoyFilter',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'RequestAuthentication',
]);

function documentsOf(dir: string, pattern: RegExp): IstioDocument[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .flatMap((f) => parseIstioDocuments(readFileSync(path.join(dir, f), 'utf8'), f).documents);
}

/** The `_err` of an invalid document, removed from the object before validation. */
function takeErr(doc: IstioDocument): string {
  const err = doc.raw._err;
  delete doc.raw._err;
  return String(err);
}

describe('Istio validation corpus: crds/*-invalid.yaml', () => {
  const documents = documentsOf(CRDS, /-invalid\.yaml$/);

  it('maps every invalid document to an expected message (and nothing else)', () => {
    const keys = documents.map((d) => `${d.file}#${d.index}`);
    assert.deepEqual(keys.sort(), Object.keys(EXPECTED).sort());
  });

  for (const doc of documents) {
    const key = `${doc.file}#${doc.index}`;
    const err = takeErr(doc);
    it(`${key} is rejected: ${err}`, () => {
      const result = validateIstioObject(doc.raw, doc.file);
      assert.equal(result.ok, false);
      const errors = result.ok ? [] : result.errors;
      assert.ok(errors.length > 0, 'at least one error');
      const name = (doc.raw.metadata as { name: string }).name;
      const matching = errors.filter((e) => EXPECTED[key]!.test(e.message));
      assert.ok(
        matching.length > 0,
        `no error matches ${EXPECTED[key]} (Istio: ${err}):\n${errors.map((e) => e.message).join('\n')}`,
      );
      assert.ok(
        matching[0]!.message.startsWith(`${doc.file}: ${doc.kind} default/${name}: `),
        matching[0]!.message,
      );
      assert.ok(errors.every(isErrorIssue));
    });
  }
});

describe('Istio validation corpus: valid objects', () => {
  const documents = [...documentsOf(CRDS, /-valid\.yaml$/), ...documentsOf(VALID_DATASET, /\.yaml$/)];

  it('reads every valid document', () => {
    assert.ok(documents.length >= 60, `${documents.length} documents`);
  });

  for (const doc of documents) {
    const name = (doc.raw.metadata as { name: string }).name;
    const supported = SUPPORTED.has(doc.kind);
    it(`${doc.file}#${doc.index} ${doc.kind} ${name}: ${supported ? 'accepted' : 'reported as not supported'}`, () => {
      const result = validateIstioObject(doc.raw, doc.file);
      if (supported) {
        assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
        assert.equal(result.object.kind, doc.kind);
        assert.equal(result.object.meta.name, name);
        return;
      }
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.deepEqual(
        result.errors.map((e) => e.message),
        [],
      );
      assert.equal(result.supported, false);
      assert.ok(
        result.warnings.some(
          (w) => w.code === IstioIssueCode.unsupportedKind && /not supported/.test(w.message),
        ),
      );
    });
  }
});
