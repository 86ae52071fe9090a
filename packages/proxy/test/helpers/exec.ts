/** Runs an external client (curl, nghttp, openssl) with a time bound and collects its output. */
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** curl with `-s -S` and a per-request time bound; returns status, headers and body. */
export async function curl(args: string[]): Promise<{ status: number; headers: Record<string, string[]>; body: string; raw: ExecResult }> {
  const r = await run('curl', ['-sS', '--max-time', '15', '-D', '/dev/stderr', ...args]);
  const headers: Record<string, string[]> = {};
  let status = 0;
  // -D /dev/stderr writes every response head (interim ones too); keep the last.
  for (const line of r.stderr.split(/\r?\n/)) {
    const m = /^HTTP\/[0-9.]+ (\d{3})/.exec(line);
    if (m) {
      status = Number(m[1]);
      for (const k of Object.keys(headers)) delete headers[k];
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0 && status > 0) (headers[line.slice(0, i).toLowerCase()] ??= []).push(line.slice(i + 1).trim());
  }
  return { status, headers, body: r.stdout, raw: r };
}
