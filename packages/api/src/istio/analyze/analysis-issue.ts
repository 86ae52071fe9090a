import { type IstioIssue, istioIssue } from '../istio-issue.ts';
import type { IstioObject } from '../types.ts';

/** An analysis finding about `object` at `path`. */
export function analysisIssue(object: IstioObject, path: string, code: string, message: string): IstioIssue {
  const ref = { kind: object.kind, namespace: object.meta.namespace, name: object.meta.name };
  return istioIssue(object.meta.source, ref, { path, message, code });
}

/** `Kind namespace/name (file)`, for messages that point at another object. */
export function describeObject(object: IstioObject): string {
  return `${object.kind} ${object.meta.namespace}/${object.meta.name} (${object.meta.source})`;
}
