import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, type SpawnOptions } from './managed-process.ts';

/**
 * Owns everything the bench creates outside itself: child processes and temp directories. Stops
 * them on normal completion, on SIGINT/SIGTERM, and (synchronously, SIGKILL) on any other exit.
 */
export class Cleanup {
  #processes = new Set<ManagedProcess>();
  #dirs = new Set<string>();
  #installed = false;
  #stopping = false;
  readonly #nice: number | undefined;

  /** `nice`: priority applied to every process spawned through this object (see SpawnOptions). */
  constructor(options: { nice?: number | undefined } = {}) {
    this.#nice = options.nice;
  }

  spawn(command: string, args: readonly string[], options: SpawnOptions): ManagedProcess {
    if (this.#stopping) throw new Error(`not starting ${options.name}: the bench is stopping`);
    const child = new ManagedProcess(command, args, { nice: this.#nice, ...options });
    this.#processes.add(child);
    void child.exited.then(() => this.#processes.delete(child));
    return child;
  }

  /** A fresh temp directory, removed at cleanup. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `tandem-bench-${prefix}-`));
    this.#dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.#dirs.delete(dir);
  }

  async stopAll(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#processes].map((child) => child.stop(2_000)));
    for (const dir of this.#dirs) this.removeDir(dir);
  }

  installHandlers(): void {
    if (this.#installed) return;
    this.#installed = true;
    const onSignal = (name: NodeJS.Signals): void => {
      process.stderr.write(`\nbench: ${name} received, stopping children...\n`);
      void this.stopAll().finally(() => process.exit(name === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => {
      for (const child of this.#processes) child.killNow();
      for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
    });
  }
}
