/**
 * A proxyless gRPC client (a real @grpc/grpc-js-xds) run as a child process by the interop test: it resolves
 * `xds:///echo.test:8080` through the ADS server named in GRPC_XDS_BOOTSTRAP and calls Echo every 50 ms,
 * printing `backend <name>` whenever the answering backend changes and `error <code> <details>` on failures.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE, type EchoReply } from './echo-service.ts';

const require = createRequire(import.meta.url);
(require('@grpc/grpc-js-xds') as { register(): void }).register();

const Echo = grpc.makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
const client = new Echo(
  'xds:///echo.test:8080',
  grpc.credentials.createInsecure(),
) as unknown as grpc.Client & {
  Echo(
    request: unknown,
    options: grpc.CallOptions,
    callback: (e: grpc.ServiceError | null, r?: EchoReply) => void,
  ): void;
};

let last = '';
function call(): void {
  client.Echo({ hello: 'xds' }, { deadline: Date.now() + 2000 }, (error, reply) => {
    const line = error === null ? `backend ${reply?.backend}` : `error ${error.code} ${error.details}`;
    if (line !== last) {
      last = line;
      process.stdout.write(`${line}\n`);
    }
    setTimeout(call, 50);
  });
}
call();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
