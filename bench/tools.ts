import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute paths of the external programs the bench drives; undefined when not installed. */
export interface Tools {
  nginx: string | undefined;
  haproxy: string | undefined;
  wrk: string | undefined;
  taskset: string | undefined;
}

export const INSTALL_HINT = 'apt-get install -y haproxy nginx wrk';

/** Debian installs nginx and haproxy in /usr/sbin, which is not on every user's PATH. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * Finds each program on PATH (plus the sbin directories). NGINX_BIN, HAPROXY_BIN and WRK_BIN
 * override the search, e.g. to compare another build; a path that is not executable counts as missing.
 */
export function findTools(env: NodeJS.ProcessEnv = process.env): Tools {
  return {
    nginx: locate('nginx', env.NGINX_BIN),
    haproxy: locate('haproxy', env.HAPROXY_BIN),
    wrk: locate('wrk', env.WRK_BIN),
    taskset: locate('taskset', undefined),
  };
}

function locate(name: string, overridePath: string | undefined): string | undefined {
  if (overridePath) return isExecutable(overridePath) ? overridePath : undefined;
  return findExecutable(name);
}

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first capture of `pattern` in a program's version output, stdout and stderr together (nginx
 * prints to stderr, wrk exits non-zero), or "unknown".
 */
export function toolVersion(binary: string, args: readonly string[], pattern: RegExp): string {
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5_000,
  });
  return pattern.exec(`${result.stdout ?? ''}\n${result.stderr ?? ''}`)?.[1] ?? 'unknown';
}
