/** Test helpers: build raw objects and validate them in one call. */
import type { IstioIssue } from '../istio-issue.ts';
import type { IstioObject } from '../types.ts';
import { validateIstioObject } from '../validate/validate-istio-object.ts';

const API: Readonly<Record<string, string>> = {
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  RequestAuthentication: 'security.istio.io/v1',
  Service: 'v1',
  Endpoints: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
};

/** A raw object of `kind` named `name` (namespace `default`) with `spec`. */
export function rawObject(kind: string, spec: unknown, name = 'test', extra: Record<string, unknown> = {}) {
  return {
    apiVersion: API[kind] ?? 'networking.istio.io/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec,
    ...extra,
  };
}

/** Error messages (reason only, with path) of validating `spec` as `kind`; [] when valid. */
export function errorsOf(kind: string, spec: unknown): string[] {
  const r = validateIstioObject(rawObject(kind, spec), 't.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.reason}`);
}

/** Warning messages (path: reason) of validating `spec` as `kind`. */
export function warningsOf(kind: string, spec: unknown): string[] {
  return validateIstioObject(rawObject(kind, spec), 't.yaml').warnings.map(
    (w: IstioIssue) => `${w.path}: ${w.reason}`,
  );
}

/** The validated object; throws with the errors when invalid. */
export function valid<K extends IstioObject['kind']>(
  kind: K,
  spec: unknown,
): Extract<IstioObject, { kind: K }> {
  const r = validateIstioObject(rawObject(kind, spec), 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.object as Extract<IstioObject, { kind: K }>;
}
