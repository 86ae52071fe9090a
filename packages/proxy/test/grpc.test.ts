/**
 * gRPC end to end with @grpc/grpc-js on both sides of the proxy (h2c downstream, h2 upstream):
 * unary, bidirectional streaming, large messages, and a non-OK status with trailers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const def = protoLoader.loadSync(path.join(import.meta.dirname, 'fixtures/echo.proto'), {
  longs: Number,
  keepCase: true,
});
const proto = grpc.loadPackageDefinition(def) as unknown as {
  tandem: { test: { Echo: grpc.ServiceClientConstructor } };
};
const Echo = proto.tandem.test.Echo;

interface EchoRequest {
  text: string;
  payload?: Buffer;
}

function startServer(): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(Echo.service, {
    Say: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const md = new grpc.Metadata();
      md.set('x-unary-trailer', 'present');
      cb(null, { text: `echo: ${call.request.text}`, payload_bytes: call.request.payload?.length ?? 0 }, md);
    },
    Chat: (call: grpc.ServerDuplexStream<EchoRequest, unknown>) => {
      call.on('data', (m: EchoRequest) =>
        call.write({ text: `chat: ${m.text}`, payload_bytes: m.payload?.length ?? 0 }),
      );
      call.on('end', () => call.end());
    },
    Fail: (_call: grpc.ServerUnaryCall<EchoRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const md = new grpc.Metadata();
      md.set('x-reason', 'testing');
      cb({ code: grpc.status.FAILED_PRECONDITION, details: 'not today', metadata: md });
    },
  });
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve({ server, port }),
    ),
  );
}

describe('gRPC through the proxy', () => {
  let backend: { server: grpc.Server; port: number };
  let proxy: RunningProxy;
  let client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;

  before(async () => {
    backend = await startServer();
    const h2 = {
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
    };
    const rc = routeConfig([{ match: { prefix: '/', grpc: {} }, route: { cluster: 'grpc', timeout: '0s' } }]);
    proxy = await startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(rc)] }])], [staticCluster('grpc', [backend.port], h2)]),
    );
    client = new Echo(`127.0.0.1:${proxy.port()}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    }) as never;
  });

  after(async () => {
    client?.close();
    await proxy?.stop();
    backend?.server.forceShutdown();
  });

  it('makes a unary call and receives trailing metadata', async () => {
    let trailers: grpc.Metadata | undefined;
    const reply = await new Promise<{ text: string }>((resolve, reject) => {
      const call = client.Say({ text: 'hi' }, (err: Error | null, r: { text: string }) =>
        err ? reject(err) : resolve(r),
      ) as grpc.ClientUnaryCall;
      call.on('status', (s: grpc.StatusObject) => (trailers = s.metadata));
    });
    assert.equal(reply.text, 'echo: hi');
    assert.deepEqual(trailers?.get('x-unary-trailer'), ['present']);
  });

  it('carries large messages (8 MiB) both ways', async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024, 7);
    const reply = await new Promise<{ payload_bytes: number }>((resolve, reject) =>
      client.Say({ text: 'big', payload }, (err: Error | null, r: { payload_bytes: number }) =>
        err ? reject(err) : resolve(r),
      ),
    );
    assert.equal(reply.payload_bytes, payload.length);
  });

  it('streams in both directions', async () => {
    const call = client.Chat() as grpc.ClientDuplexStream<EchoRequest, { text: string }>;
    const got: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: { text: string }) => {
        got.push(m.text);
        // Ping-pong: the next message goes only after the previous reply, so streaming is real.
        if (got.length < 5) call.write({ text: `m${got.length}` });
        else call.end();
      });
      call.on('error', reject);
      call.on('end', () => resolve());
    });
    call.write({ text: 'm0' });
    await done;
    assert.deepEqual(got, ['chat: m0', 'chat: m1', 'chat: m2', 'chat: m3', 'chat: m4']);
  });

  it('passes a non-OK status with its details and trailing metadata', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      client.Fail({ text: 'x' }, (e: grpc.ServiceError) => resolve(e)),
    );
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(err.details, 'not today');
    assert.deepEqual(err.metadata.get('x-reason'), ['testing']);
  });
});
