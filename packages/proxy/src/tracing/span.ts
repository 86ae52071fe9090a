/**
 * A finished (or running) span: ids, timing and tags. One object per sampled request; tags are a
 * flat [key, value, key, value, ...] array filled in when the request completes.
 */
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;

const NO_TAGS: readonly string[] = [];

export class Span {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentId: string;
  readonly kind: number;
  readonly tracestate: string;
  readonly startWallMs: number;
  name = '';
  durationMs = 0;
  error = false;
  readonly tags: string[] = [];
  /** Tags every span of its tracer carries (node, zone, Istio identity), shared, encoded once. */
  fixedTags: readonly string[] = NO_TAGS;

  constructor(
    traceId: string,
    spanId: string,
    parentId: string,
    kind: number,
    tracestate: string,
    startWallMs: number,
  ) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentId = parentId;
    this.kind = kind;
    this.tracestate = tracestate;
    this.startWallMs = startWallMs;
  }

  tag(key: string, value: string): void {
    this.tags.push(key, value);
  }
}
