/**
 * Links an outbound request to the inbound request it was made for, when the application
 * forwards only `x-request-id` and not the trace headers: while an inbound request is being
 * served, its span is findable by its x-request-id, and an outbound request with the same id and
 * no trace context of its own becomes that span's child. Bounded; entries leave when the inbound
 * request completes.
 */
import type { Span } from './span.ts';

const MAX_ENTRIES = 8192;

export class TraceCorrelation {
  private readonly byRequestId = new Map<string, Span>();

  remember(requestId: string | undefined, span: Span): void {
    if (requestId === undefined || this.byRequestId.size >= MAX_ENTRIES) return;
    this.byRequestId.set(requestId, span);
  }

  find(requestId: string | undefined): Span | undefined {
    if (requestId === undefined || this.byRequestId.size === 0) return undefined;
    return this.byRequestId.get(requestId);
  }

  forget(requestId: string | undefined, span: Span): void {
    if (requestId !== undefined && this.byRequestId.get(requestId) === span)
      this.byRequestId.delete(requestId);
  }
}
