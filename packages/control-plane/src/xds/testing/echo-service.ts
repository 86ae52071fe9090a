import * as grpc from '@grpc/grpc-js';

/** A unary echo method with JSON bodies, so tests need no .proto file. */
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
};

export const ECHO_SERVICE: grpc.ServiceDefinition = {
  Echo: {
    path: '/tandem.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

export interface EchoReply {
  readonly backend: string;
  readonly message: unknown;
}

/** Starts an echo server on 127.0.0.1:0 that answers with its own name; resolves to its port and a stop function. */
export async function startEchoServer(backend: string): Promise<{ port: number; stop(): void }> {
  const server = new grpc.Server();
  server.addService(ECHO_SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<unknown, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) =>
      callback(null, { backend, message: call.request }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return { port, stop: () => server.forceShutdown() };
}
