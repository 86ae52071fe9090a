/**
 * The one way config text becomes objects: parse every document, validate each, and keep only the valid
 * objects of supported kinds. Invalid objects are never returned, so nothing downstream can apply them.
 */
import type { IstioIssue } from '../istio-issue.ts';
import type { IstioObject } from '../types.ts';
import { type IstioDocument, parseIstioDocuments } from './parse-istio-documents.ts';
import { type ValidateOptions, validateIstioObject } from './validate-istio-object.ts';

export interface IstioConfigRead {
  /** Valid objects of supported kinds, in file order. */
  objects: IstioObject[];
  /** Every document parsed (valid or not, supported or not). */
  documents: IstioDocument[];
  /** Errors, warnings and not-supported notices, in file order. */
  issues: IstioIssue[];
}

/**
 * @example
 * const { objects, issues } = readIstioConfig(text, 'bookinfo.yaml');
 * const failed = issues.some(isErrorIssue);
 */
export function readIstioConfig(
  text: string,
  fileName: string,
  options: ValidateOptions = {},
): IstioConfigRead {
  const parsed = parseIstioDocuments(text, fileName);
  const objects: IstioObject[] = [];
  const issues: IstioIssue[] = [...parsed.issues];
  for (const doc of parsed.documents) {
    const result = validateIstioObject(doc.raw, fileName, options);
    if (result.ok) {
      objects.push(result.object);
      issues.push(...result.warnings);
    } else {
      issues.push(...result.errors, ...result.warnings);
    }
  }
  return { objects, documents: parsed.documents, issues };
}
