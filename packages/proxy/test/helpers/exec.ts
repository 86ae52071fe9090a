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
    child.on('close', (code, signal) => {
      if (signal) err.push(Buffer.from(`[killed by ${signal}]`));
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * curl with `-sS`, a time bound and `-D -` (response heads first on stdout, then the body);
 * returns the final status, its headers and the body.
 */
export async function curl(
  args: string[],
): Promise<{ status: number; headers: Record<string, string[]>; body: string; raw: ExecResult }> {
  // -I already prints the head on stdout; -D - would print it twice.
  const dump = args.includes('-I') || args.includes('--head') ? [] : ['-D', '-'];
  const r = await run('curl', ['-sS', '--max-time', '15', ...dump, ...args]);
  let rest = r.stdoutBytes.toString('latin1');
  let status = 0;
  const headers: Record<string, string[]> = {};
  // Every head (interim 1xx ones too) comes before the body; keep the last.
  while (/^HTTP\/[0-9.]+ \d{3}/.test(rest)) {
    const end = rest.indexOf('\r\n\r\n');
    const head = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? '' : rest.slice(end + 4);
    const lines = head.split('\r\n');
    status = Number(lines[0]!.split(' ')[1]);
    for (const k of Object.keys(headers)) delete headers[k];
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) (headers[line.slice(0, i).toLowerCase()] ??= []).push(line.slice(i + 1).trim());
    }
  }
  return { status, headers, body: Buffer.from(rest, 'latin1').toString('utf8'), raw: r };
}
