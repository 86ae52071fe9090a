import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, loadAdsPackageDefinition } from '@tandem/xds-proto';

/** A raw ADS stream for tests: write requests, await responses one by one. */
export interface AdsTestStream<Request, Response> {
  /** Writes a request; values are loose so tests can send what real clients send (partial nodes, ...). */
  send(request: { [K in keyof Request]?: unknown }): void;
  /** The next response; rejects after `timeoutMs` (default 2 s) or when the stream fails. */
  next(timeoutMs?: number): Promise<Response>;
  /** Resolves to true if no response arrives within `ms`. */
  quiet(ms?: number): Promise<boolean>;
  /** The status the stream ended with, once it ends. */
  readonly ended: Promise<grpc.StatusObject>;
  close(): void;
}

type Method = 'StreamAggregatedResources' | 'DeltaAggregatedResources';

/** A grpc-js client of the ADS service at `127.0.0.1:<port>`. */
export function connectAds(
  port: number,
): grpc.Client & Record<Method, () => grpc.ClientDuplexStream<unknown, unknown>> {
  const service = loadAdsPackageDefinition()[ADS_SERVICE] as unknown as grpc.ServiceDefinition;
  const Client = grpc.makeGenericClientConstructor(service, 'AggregatedDiscoveryService');
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as never;
}

/** Opens one ADS stream (state of the world or delta) on `client`. */
export function openStream<Request, Response>(
  client: ReturnType<typeof connectAds>,
  method: Method,
): AdsTestStream<Request, Response> {
  const call = client[method]();
  const buffered: Response[] = [];
  const waiting: ((response: Response | Error) => void)[] = [];
  let failure: Error | undefined;
  call.on('data', (response: Response) => {
    const waiter = waiting.shift();
    if (waiter === undefined) buffered.push(response);
    else waiter(response);
  });
  const ended = new Promise<grpc.StatusObject>((resolve) => {
    call.on('status', (status: grpc.StatusObject) => {
      failure = new Error(`stream ended: ${status.code} ${status.details}`);
      for (const waiter of waiting.splice(0)) waiter(failure);
      resolve(status);
    });
  });
  call.on('error', () => {});
  return {
    send: (request) => call.write(request),
    next: (timeoutMs = 2000) =>
      new Promise<Response>((resolve, reject) => {
        const ready = buffered.shift();
        if (ready !== undefined) return resolve(ready);
        if (failure !== undefined) return reject(failure);
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(settle), 1);
          reject(new Error(`no response within ${timeoutMs} ms`));
        }, timeoutMs);
        const settle = (value: Response | Error) => {
          clearTimeout(timer);
          if (value instanceof Error) reject(value);
          else resolve(value);
        };
        waiting.push(settle);
      }),
    quiet: (ms = 150) =>
      new Promise<boolean>((resolve) => {
        setTimeout(() => resolve(buffered.length === 0), ms);
      }),
    ended,
    close: () => call.cancel(),
  };
}
