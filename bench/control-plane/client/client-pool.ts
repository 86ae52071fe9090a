/**
 * The bench's side of its client worker threads: spreads the clients over the workers, and turns
 * their messages into what the bench waits on (every client synced, every expected client ACKed a
 * change) and the per-client statistics it checks.
 */
import type { Worker } from 'node:worker_threads';
import type { BenchClient } from '../mesh-model.ts';
import { type LoadClientSpec, nowMs, type WireNodeJson } from './ads-load-client.ts';
import { startTsWorker } from './ts-worker.ts';
import type { ClientStats, FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';

const WORKER_URL = new URL('./client-worker.ts', import.meta.url);

export class ClientPool {
  readonly synced = new Map<number, number>();
  /** Client index -> when it ACKed the change being watched. */
  hits = new Map<number, number>();
  readonly #workers: Worker[] = [];
  readonly #loaded: Promise<unknown>;
  readonly #listeners = new Set<() => void>();
  #round = 0;
  #failure: Error | undefined;

  constructor(address: string, clients: readonly BenchClient[], workers: number) {
    const shares: LoadClientSpec[][] = Array.from({ length: Math.max(1, workers) }, () => []);
    clients.forEach((client, i) => {
      shares[i % shares.length]!.push(specOf(client));
    });
    for (const share of shares) {
      if (share.length === 0) continue;
      const input: WorkerInput = { address, clients: share };
      const worker = startTsWorker(WORKER_URL, { workerData: input });
      worker.on('message', (message: FromWorker) => this.#receive(message));
      worker.on('error', (error) => this.#fail(error));
      this.#workers.push(worker);
    }
    this.#loaded = Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const onMessage = (message: FromWorker) => {
              if (message.kind !== 'loaded') return;
              worker.off('message', onMessage);
              resolve();
            };
            worker.on('message', onMessage);
          }),
      ),
    );
  }

  /** Waits for every worker to have loaded, then opens every client's stream; resolves to when. */
  async connect(): Promise<number> {
    await this.#loaded;
    const at = nowMs();
    for (const worker of this.#workers) worker.postMessage({ kind: 'connect' } satisfies ToWorker);
    return at;
  }

  #receive(message: FromWorker): void {
    if (message.kind === 'synced') {
      for (const { index, at } of message.clients) this.synced.set(index, at);
    } else if (message.kind === 'error') {
      this.#failure ??= new Error(`client ${message.index}: ${message.message}`);
    } else if (message.kind === 'hits' && message.round === this.#round) {
      for (const { index, at } of message.hits) if (!this.hits.has(index)) this.hits.set(index, at);
    }
    for (const listener of [...this.#listeners]) listener();
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves once `done()` holds (checked after every message), rejects after `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#failure !== undefined) finish(this.#failure);
        else if (done()) finish(undefined);
      };
      const timer = setTimeout(() => finish(new Error(`${what}: not done after ${timeoutMs} ms`)), timeoutMs);
      const finish = (error: Error | undefined) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Arms every worker to report ACKs of `typeUrl` responses containing `marker`. */
  async watch(round: number, typeUrl: string, marker: string): Promise<void> {
    this.#round = round;
    this.hits = new Map();
    await this.#ask({ kind: 'watch', round, typeUrl, marker }, 'watching');
  }

  async collect(): Promise<ClientStats[]> {
    const replies = await this.#ask({ kind: 'collect' }, 'stats');
    return replies.flatMap((reply) => (reply.kind === 'stats' ? reply.clients : []));
  }

  async stop(): Promise<void> {
    await this.#ask({ kind: 'stop' }, 'stopped').catch(() => undefined);
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  /** Sends `message` to every worker and resolves with each one's `reply` message. */
  #ask(message: ToWorker, reply: FromWorker['kind']): Promise<FromWorker[]> {
    return Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<FromWorker>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`client worker: no "${reply}"`)), 30_000);
            const onMessage = (answer: FromWorker) => {
              if (answer.kind !== reply) return;
              clearTimeout(timer);
              worker.off('message', onMessage);
              resolve(answer);
            };
            worker.on('message', onMessage);
            worker.postMessage(message);
          }),
      ),
    );
  }
}

/** The node a bench client sends: an Istio sidecar of its workload. */
export function specOf(client: BenchClient): LoadClientSpec {
  const labels = { app: client.service.name, version: client.workload.version };
  const node: WireNodeJson = {
    id: client.nodeId,
    cluster: `${client.service.name}.${client.namespace}`,
    metadata: {
      fields: {
        NAMESPACE: { stringValue: client.namespace },
        LABELS: {
          structValue: {
            fields: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, { stringValue: v }])),
          },
        },
        SERVICE_ACCOUNT: { stringValue: client.service.name },
        WORKLOAD_NAME: { stringValue: client.service.name },
        CLUSTER_ID: { stringValue: 'Kubernetes' },
        INTERCEPTION_MODE: { stringValue: 'REDIRECT' },
      },
    },
    locality: { region: 'region-1', zone: client.workload.locality.split('/')[1] ?? '', sub_zone: '' },
    user_agent_name: 'envoy',
  };
  return { index: client.index, protocol: client.protocol, node };
}
