/**
 * The control plane's config: every valid object from the config directory, by identity
 * (kind/namespace/name). An invalid object is never applied: if an earlier version of it was
 * valid, that version stays in force; the rejection is kept for the log and the debug API until
 * the object is fixed or removed.
 */
import type { ConfigIssue } from '@tandem/api';
import type { IstioObject } from '@tandem/api/istio';

export interface FileParse {
  /** Valid objects in the file. */
  objects: IstioObject[];
  /** Errors for invalid objects, each naming the object (path and message). */
  rejected: { key: string | undefined; issues: ConfigIssue[] }[];
  /** Warnings and "not supported" notices. */
  notices: ConfigIssue[];
}

export type FileParser = (text: string, file: string) => FileParse;

export interface Rejection {
  file: string;
  /** `Kind/namespace/name`, when the object got far enough to have one. */
  key: string | undefined;
  issues: ConfigIssue[];
  /** A previous valid version is still applied. */
  keptPrevious: boolean;
}

export function objectKey(o: IstioObject): string {
  return `${o.kind}/${o.meta.namespace}/${o.meta.name}`;
}

export class ConfigStore {
  private objects = new Map<string, IstioObject>();
  private rejections: Rejection[] = [];
  private notices: ConfigIssue[] = [];
  private generation = 0;

  /**
   * Replaces the config with what `files` now hold; returns whether the applied set changed. An
   * object whose content did not change keeps its identity (the previous object stays), so that
   * whatever was built from it can be reused.
   */
  apply(files: { file: string; parse: FileParse }[]): boolean {
    const next = new Map<string, IstioObject>();
    const rejections: Rejection[] = [];
    const notices: ConfigIssue[] = [];
    for (const { file, parse } of files) {
      for (const o of parse.objects) next.set(objectKey(o), o);
      notices.push(...parse.notices);
      for (const r of parse.rejected)
        rejections.push({ file, key: r.key, issues: r.issues, keptPrevious: false });
    }
    for (const r of rejections) {
      if (r.key === undefined || next.has(r.key)) continue;
      const previous = this.objects.get(r.key);
      if (previous !== undefined) {
        next.set(r.key, previous);
        r.keptPrevious = true;
      }
    }
    let changed = next.size !== this.objects.size;
    for (const [key, object] of next) {
      const previous = this.objects.get(key);
      if (previous !== undefined && sameObject(previous, object)) next.set(key, previous);
      else changed = true;
    }
    this.objects = next;
    this.rejections = rejections;
    this.notices = notices;
    if (changed) this.generation++;
    return changed;
  }

  /** The applied objects, in a stable order (by key). */
  list(): IstioObject[] {
    return [...this.objects.keys()].sort().map((k) => this.objects.get(k)!);
  }

  get version(): number {
    return this.generation;
  }

  currentRejections(): readonly Rejection[] {
    return this.rejections;
  }

  currentNotices(): readonly ConfigIssue[] {
    return this.notices;
  }
}

/** Equal in everything (meta included), so that keeping the previous object loses nothing. */
function sameObject(a: IstioObject, b: IstioObject): boolean {
  return (
    a === b ||
    (a.kind === b.kind &&
      JSON.stringify(a.spec) === JSON.stringify(b.spec) &&
      JSON.stringify(a.meta) === JSON.stringify(b.meta))
  );
}
