/**
 * Child process for the proxyless gRPC test: real @grpc/grpc-js-xds servers (v1 and v2, bound
 * through xDS server listeners) and a real xDS client channel to `xds:///echo.test:8080`, all
 * configured by the control plane named in GRPC_XDS_BOOTSTRAP. The parent sends one JSON command
 * per line on stdin; each answer is one JSON line on stdout.
 *
 * Usage: node --import tsx grpc-xds-driver.ts <portV1> <portV2>
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE, type EchoReply } from '../../src/xds/testing/echo-service.ts';

const require = createRequire(import.meta.url);
const xds = require('@grpc/grpc-js-xds') as {
  register(): void;
  XdsServer: new () => grpc.Server;
  XdsServerCredentials: new (fallback: grpc.ServerCredentials) => grpc.ServerCredentials;
};
xds.register();

interface Command {
  id: number;
  n: number;
  metadata?: Record<string, string>;
  deadlineMs?: number;
}

function startServer(name: string, port: number): Promise<grpc.Server> {
  const server = new xds.XdsServer();
  server.addService(ECHO_SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<unknown, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) =>
      cb(null, { backend: name, message: call.request }),
  });
  return new Promise((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${port}`,
      new xds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()),
      (err) => (err ? reject(err) : resolve(server)),
    ),
  );
}

type EchoClient = grpc.Client & {
  Echo(
    req: unknown,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: (e: grpc.ServiceError | null, r?: EchoReply) => void,
  ): void;
};

function call(client: EchoClient, cmd: Command): Promise<{ backend?: string; code?: number; ms: number }> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(cmd.metadata ?? {})) md.set(k, v);
  const started = performance.now();
  return new Promise((resolve) =>
    client.Echo({ hello: 'xds' }, md, { deadline: Date.now() + (cmd.deadlineMs ?? 5000) }, (err, reply) => {
      const ms = performance.now() - started;
      resolve(err ? { code: err.code, ms } : { backend: reply?.backend, ms });
    }),
  );
}

async function main(): Promise<void> {
  const [p1, p2] = process.argv.slice(2).map(Number);
  const servers = await Promise.all([startServer('v1', p1!), startServer('v2', p2!)]);
  const Echo = grpc.makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
  const client = new Echo(
    'xds:///echo.test:8080',
    grpc.credentials.createInsecure(),
  ) as unknown as EchoClient;
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const cmd = JSON.parse(line) as Command;
    const backends: Record<string, number> = {};
    const errors: Record<string, number> = {};
    let maxMs = 0;
    let minMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < cmd.n; i++) {
      const r = await call(client, cmd);
      if (r.backend !== undefined) backends[r.backend] = (backends[r.backend] ?? 0) + 1;
      else errors[String(r.code)] = (errors[String(r.code)] ?? 0) + 1;
      maxMs = Math.max(maxMs, r.ms);
      minMs = Math.min(minMs, r.ms);
    }
    process.stdout.write(`${JSON.stringify({ id: cmd.id, backends, errors, maxMs, minMs })}\n`);
  }
  client.close();
  for (const s of servers) s.forceShutdown();
  process.exit(0);
}

void main();
