// Worker thread for metronome.ts: sleeps until each scheduled send time and posts the tick index to
// the main thread. Atomics.wait takes a fractional-millisecond timeout, so the wake-up is precise to
// tens of microseconds without spinning (Node's own timers have 1 ms resolution). Plain JavaScript
// because TypeScript loaders do not reach worker threads on every Node version we support.
import { parentPort, workerData } from 'node:worker_threads';

const { startNs, intervalNs, count, leadNs, stopBuffer } = workerData;
const stop = new Int32Array(stopBuffer);

function nowNs() {
  return Number(process.hrtime.bigint());
}

for (let i = 0; i < count; i++) {
  const wakeAt = startNs + i * intervalNs - leadNs;
  let remaining = wakeAt - nowNs();
  while (remaining > 0 && Atomics.load(stop, 0) === 0) {
    Atomics.wait(stop, 0, 0, remaining / 1e6);
    remaining = wakeAt - nowNs();
  }
  if (Atomics.load(stop, 0) !== 0) break;
  parentPort.postMessage(i);
}
parentPort.close();
