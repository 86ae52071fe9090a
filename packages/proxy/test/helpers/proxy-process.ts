/**
 * Runs `tandem proxy` as a child process (for tests that measure the proxy's own memory, or that
 * check the CLI's behaviour), finds its bound ports from its startup lines, and stops it by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const TANDEM_BIN = path.resolve(import.meta.dirname, '../../../cli/bin/tandem.js');

export interface ProxyProcess {
  child: ChildProcess;
  pid: number;
  ports: Map<string, number>;
  adminPort: number;
  stderr: () => string;
  /** Resolves with the exit code once the process has exited (by itself or after a signal). */
  exited: Promise<number | null>;
  /** Sends SIGTERM (if still running) and waits for the exit. */
  stop(): Promise<number | null>;
}

export function spawnProxy(configPath: string, extraArgs: string[] = []): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [TANDEM_BIN, 'proxy', '--config', configPath, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const ports = new Map<string, number>();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proxy did not start in 20s:\n${err}`));
    }, 20000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      for (const m of err.matchAll(/listener "([^"]+)" on [^\s]+:(\d+)/g)) ports.set(m[1]!, Number(m[2]));
      const admin = /admin on port (\d+)/.exec(err);
      if (admin) {
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid!,
          ports,
          adminPort: Number(admin[1]),
          stderr: () => err,
          exited,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited with ${code}:\n${err}`));
    });
  });
}
