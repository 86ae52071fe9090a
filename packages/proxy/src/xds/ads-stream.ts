/**
 * One `StreamAggregatedResources` call to one management server address, over @grpc/grpc-js (the
 * control-plane connection, not the request path). Requests go out as encoded
 * DiscoveryRequests; responses arrive in proto-loader's shape with resources still encoded, decoded
 * with the same protobufjs Root that decodes the resources. The
 * stream reports its end once, whatever ended it.
 */
import * as grpc from '@grpc/grpc-js';
import { type DiscoveryResponse, streamAggregatedResourcesMethod } from '@tandem/xds-proto/client';
import { encodeRequest, type RequestFields } from './discovery-request.ts';

export interface AdsStreamOptions {
  /** `host:port` (IPv6 in brackets). */
  readonly address: string;
  /** `:authority` of the stream. */
  readonly authority: string;
  readonly metadata: readonly { key: string; value: string }[];
  readonly onResponse: (response: DiscoveryResponse) => void;
  /** The server sent headers or a response: the stream is up. */
  readonly onConnected: () => void;
  /** Called once when the stream ends, with why. */
  readonly onEnd: (reason: string) => void;
}

export class AdsStream {
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<RequestFields, DiscoveryResponse>;
  private ended = false;

  constructor(options: AdsStreamOptions) {
    this.client = new grpc.Client(options.address, grpc.credentials.createInsecure(), {
      'grpc.default_authority': options.authority,
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
    });
    const metadata = new grpc.Metadata();
    for (const { key, value } of options.metadata) metadata.add(key, value);
    const method = streamAggregatedResourcesMethod();
    this.call = this.client.makeBidiStreamRequest(
      method.path,
      encodeRequest,
      method.responseDeserialize,
      metadata,
    );
    let connected = false;
    const up = (): void => {
      if (connected) return;
      connected = true;
      options.onConnected();
    };
    this.call.on('metadata', up);
    this.call.on('data', (response: DiscoveryResponse) => {
      up();
      options.onResponse(response);
    });
    const end = (reason: string): void => {
      if (this.ended) return;
      this.ended = true;
      this.client.close();
      options.onEnd(reason);
    };
    this.call.on('error', (err: grpc.ServiceError) =>
      end(`${grpc.status[err.code] ?? err.code}: ${err.details}`),
    );
    this.call.on('status', (s: grpc.StatusObject) => end(`${grpc.status[s.code] ?? s.code}: ${s.details}`));
    this.call.on('end', () => end('stream closed by the server'));
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  send(request: RequestFields): void {
    if (!this.ended) this.call.write(request);
  }

  /** Cancels the call (no onEnd is reported). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.call.cancel();
    this.client.close();
  }
}
