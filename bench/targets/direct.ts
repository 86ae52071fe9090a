import type { Target } from './target.ts';

/** No proxy: load goes straight to the backend. The baseline that "added latency" is measured from. */
export function directTarget(): Target {
  return {
    name: 'direct',
    label: 'direct (no proxy)',
    isProxy: false,
    unavailableReason: () => undefined,
    start: async (context) => ({ port: context.backendPort, pids: () => [], stop: async () => {} }),
  };
}
