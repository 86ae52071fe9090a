import type { ConfigIssue } from '../envoy/config-issue.ts';

/** The object an issue belongs to. */
export interface IstioObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * A `ConfigIssue` about Istio config. `message` is the whole sentence a person reads, naming the file, the
 * object and the field path: `bookinfo.yaml: VirtualService default/reviews: spec.http[0].route: ...`;
 * `reason` is the last part alone and `path` the field path alone (camelCase, with indexes).
 */
export interface IstioIssue extends ConfigIssue {
  file: string;
  object: IstioObjectRef | undefined;
  reason: string;
}

/** Builds an `IstioIssue`, composing its message from the parts. */
export function istioIssue(file: string, object: IstioObjectRef | undefined, issue: ConfigIssue): IstioIssue {
  const parts = [file];
  if (object !== undefined) parts.push(`${object.kind} ${object.namespace}/${object.name}`);
  if (issue.path !== '') parts.push(issue.path);
  parts.push(issue.message);
  return { ...issue, file, object, reason: issue.message, message: parts.join(': ') };
}

/** One line for people: `file: Kind ns/name: path: reason [CODE]`. */
export function formatIstioIssue(issue: IstioIssue): string {
  return `${issue.message} [${issue.code}]`;
}

/** True for error codes (`TANDEM_ERR_*`); warnings and notices are `TANDEM_WARN_*`. */
export function isErrorIssue(issue: ConfigIssue): boolean {
  return issue.code.startsWith('TANDEM_ERR_');
}
