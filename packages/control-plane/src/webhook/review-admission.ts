/**
 * One AdmissionReview in, one AdmissionReview out (pure; the server does the HTTP). A pod CREATE is
 * injected and answered with a JSON Patch; anything else the webhook is sent (another kind, another
 * operation, a pod the rules exclude) is allowed unchanged. A request that cannot be read, or a pod
 * whose injection annotations are invalid, is refused (`allowed: false`) with a message saying why,
 * so the user sees it in `kubectl` output. The answer uses the request's API version (v1 or v1beta1).
 */
import { InjectError } from '../inject/inject-error.ts';
import { injectPod } from '../inject/inject-pod.ts';
import type { InjectSettings } from '../inject/inject-settings.ts';
import { isRecord, type Pod } from '../inject/kube-pod.ts';
import { createJsonPatch } from './json-patch.ts';

export const AdmissionErrorCode = {
  badReview: 'TANDEM_ERR_WEBHOOK_BAD_REVIEW',
  inject: 'TANDEM_ERR_WEBHOOK_INJECT',
} as const;

const VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'];

export interface AdmissionOptions {
  settings: InjectSettings;
  /** Labels of a namespace, if known (from the namespace informer); undefined trusts the webhook's selectors. */
  namespaceLabels?: (namespace: string) => Record<string, string> | undefined;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: 'JSONPatch';
  patch?: string;
  status?: { code: number; message: string };
}

export type AdmissionOutcome = 'injected' | 'skipped' | 'ignored' | 'refused';

export interface AdmissionResult {
  review: { apiVersion: string; kind: 'AdmissionReview'; response: AdmissionResponse };
  outcome: AdmissionOutcome;
  reason: string;
}

function answer(
  apiVersion: string,
  response: AdmissionResponse,
  outcome: AdmissionOutcome,
  reason: string,
): AdmissionResult {
  return { review: { apiVersion, kind: 'AdmissionReview', response }, outcome, reason };
}

function refuse(apiVersion: string, uid: string, code: number, message: string): AdmissionResult {
  return answer(apiVersion, { uid, allowed: false, status: { code, message } }, 'refused', message);
}

/** The answer to a body that is not JSON at all. */
export function refuseUnreadable(why: string): AdmissionResult {
  return refuse(VERSIONS[0]!, '', 400, `${AdmissionErrorCode.badReview}: body is not JSON (${why})`);
}

export function reviewAdmission(body: unknown, options: AdmissionOptions): AdmissionResult {
  const v1 = VERSIONS[0]!;
  if (!isRecord(body))
    return refuse(v1, '', 400, `${AdmissionErrorCode.badReview}: body is not a JSON object`);
  const apiVersion =
    typeof body.apiVersion === 'string' && VERSIONS.includes(body.apiVersion) ? body.apiVersion : v1;
  if (body.kind !== 'AdmissionReview' || !VERSIONS.includes(String(body.apiVersion)))
    return refuse(
      apiVersion,
      '',
      400,
      `${AdmissionErrorCode.badReview}: expected an admission.k8s.io/v1 AdmissionReview`,
    );
  const request = body.request;
  if (!isRecord(request) || typeof request.uid !== 'string' || request.uid === '')
    return refuse(apiVersion, '', 400, `${AdmissionErrorCode.badReview}: AdmissionReview has no request.uid`);
  const uid = request.uid;
  const allow = (reason: string) => answer(apiVersion, { uid, allowed: true }, 'ignored', reason);
  const kind = isRecord(request.kind) ? request.kind : {};
  const resource = isRecord(request.resource) ? request.resource : {};
  if (kind.kind !== 'Pod' || (resource.resource !== undefined && resource.resource !== 'pods'))
    return allow(`not a pod (${String(kind.kind)})`);
  if (request.subResource) return allow(`pod subresource ${String(request.subResource)}`);
  if (request.operation !== 'CREATE') return allow(`operation ${String(request.operation)}`);
  const pod = request.object;
  if (!isRecord(pod) || !isRecord(pod.spec) || !Array.isArray(pod.spec.containers))
    return refuse(apiVersion, uid, 400, `${AdmissionErrorCode.badReview}: request.object is not a pod`);
  const namespace =
    typeof request.namespace === 'string' && request.namespace !== '' ? request.namespace : 'default';
  try {
    const result = injectPod(pod as unknown as Pod, options.settings, {
      namespace,
      namespaceLabels: options.namespaceLabels?.(namespace),
    });
    if (!result.injected) return answer(apiVersion, { uid, allowed: true }, 'skipped', result.reason);
    const patch = createJsonPatch(pod, result.pod);
    const encoded = Buffer.from(JSON.stringify(patch)).toString('base64');
    return answer(
      apiVersion,
      { uid, allowed: true, patchType: 'JSONPatch', patch: encoded },
      'injected',
      result.reason,
    );
  } catch (err) {
    if (err instanceof InjectError) return refuse(apiVersion, uid, 400, `${err.code}: ${err.message}`);
    return refuse(apiVersion, uid, 500, `${AdmissionErrorCode.inject}: ${(err as Error).message}`);
  }
}
