/**
 * A listener's config was rejected while it was being compiled (bad CIDR, partial wildcard
 * server name, two filter chains with overlapping match rules, ...). The message names the
 * listener, the filter chain when there is one, and why.
 */
export class ListenerConfigError extends Error {
  readonly code = 'TANDEM_ERR_LISTENER_CONFIG';
  readonly listener: string;

  constructor(listener: string, reason: string) {
    super(`listener "${listener}": ${reason}`);
    this.name = 'ListenerConfigError';
    this.listener = listener;
  }
}
