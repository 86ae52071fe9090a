/**
 * A seam for timers: production uses Node's (unref'd, so they never keep a process alive), tests
 * inject a fake that only moves when told.
 */
export interface TimerScheduler {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: TimerScheduler = {
  set: (fn, delayMs) => {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
