import { Worker } from 'node:worker_threads';

export interface MetronomeSchedule {
  /** Monotonic time (process.hrtime, ns) of tick 0. */
  startNs: number;
  intervalNs: number;
  count: number;
  /** Wake this much before each tick, to absorb the worker-to-main-thread hand-off. */
  leadNs: number;
}

/**
 * Calls `onTick(index)` on the main thread at (roughly) each scheduled time, woken by a worker
 * thread that sleeps precisely. Ticks only wake the caller up; the caller decides from the clock
 * what is due, so late or merged ticks lose nothing.
 */
export class Metronome {
  readonly #worker: Worker;
  readonly #stop = new Int32Array(new SharedArrayBuffer(4));

  constructor(schedule: MetronomeSchedule, onTick: (index: number) => void) {
    this.#worker = new Worker(new URL('./metronome-worker.js', import.meta.url), {
      workerData: { ...schedule, stopBuffer: this.#stop.buffer },
    });
    this.#worker.on('message', onTick);
    this.#worker.on('error', (error) => {
      process.stderr.write(`open-loop: metronome worker failed: ${error.message}\n`);
      process.exitCode = 1;
    });
  }

  async stop(): Promise<void> {
    Atomics.store(this.#stop, 0, 1);
    Atomics.notify(this.#stop, 0);
    await this.#worker.terminate();
  }
}

/** process.hrtime as a number of nanoseconds (the same clock the worker reads). */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}
