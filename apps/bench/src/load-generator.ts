import { Worker } from 'node:worker_threads';
import { builtFile } from './built-file.js';
import { BenchSetupError } from './errors.js';
import type { Summary } from './measure.js';

/** The request every connection of a load sends, again and again. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ThroughputOptions {
  /** Origin of the server under load, e.g. `http://127.0.0.1:4100`. */
  origin: string;
  request: LoadRequest;
  /** Concurrent keep-alive connections, each with one request in flight. */
  connections: number;
  /** How long to send, in seconds (fractions allowed). */
  durationSeconds?: number;
  /** Or: how many requests to send in all (at least `connections`); the run lasts until they are answered. */
  requests?: number;
}

/** What a throughput run observed. Latencies come from autocannon's histogram: whole milliseconds. */
export interface ThroughputResult {
  /** Responses received, whatever their status. */
  responses: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Responses per status code, e.g. `{ "200": 5120, "429": 3 }`. */
  statusCounts: Record<string, number>;
  /** Request errors per code, e.g. `{ "ECONNRESET": 2 }`. */
  errorCodes: Record<string, number>;
  durationSeconds: number;
}

export interface LatencyOptions {
  origin: string;
  request: LoadRequest;
  /** Requests timed one after the other on one keep-alive connection. */
  samples: number;
  /** Untimed requests first (connection, JIT). */
  warmup: number;
}

/** Per-request latency in milliseconds, to the last byte of the body, timed with `process.hrtime.bigint()`. */
export interface LatencyResult extends Summary {
  non2xx: number;
}

/** A message to the worker. */
export type LoadJob =
  | { id: number; kind: 'throughput'; options: ThroughputOptions }
  | { id: number; kind: 'latency'; options: LatencyOptions };

/** A message from the worker. */
export type LoadAnswer = { id: number; result: ThroughputResult | LatencyResult } | { id: number; error: string };

/**
 * Sends HTTP load from a worker thread, so that the generator has an event loop of its own and does not compete
 * with the server it measures on the caller's loop. Throughput runs use autocannon; single-client latency uses
 * undici with hrtime per request, because autocannon's histogram only resolves whole milliseconds.
 */
export class LoadGenerator {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #closed = false;

  constructor() {
    this.#worker = new Worker(builtFile('load-worker.js'));
    this.#worker.on('message', (answer: LoadAnswer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#pending.delete(answer.id);
      if ('error' in answer) pending.reject(new BenchSetupError(`load generator: ${answer.error}`));
      else pending.resolve(answer.result as never);
    });
    const failAll = (error: Error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', (error) => failAll(new BenchSetupError(`load generator crashed: ${error.message}`)));
    this.#worker.on('exit', (code) => {
      if (!this.#closed) failAll(new BenchSetupError(`load generator exited with ${code}`));
    });
  }

  /** Keeps `connections` requests in flight for `durationSeconds` (or `requests`); requests/s and latency percentiles. */
  throughput(options: ThroughputOptions): Promise<ThroughputResult> {
    if ((options.durationSeconds === undefined) === (options.requests === undefined)) {
      return Promise.reject(new BenchSetupError('throughput: give exactly one of durationSeconds or requests'));
    }
    if (options.requests !== undefined && options.requests < options.connections) {
      return Promise.reject(new BenchSetupError('throughput: requests must be at least connections'));
    }
    return this.#send({ kind: 'throughput', options });
  }

  /** Sends `samples` requests one at a time and times each. */
  latency(options: LatencyOptions): Promise<LatencyResult> {
    return this.#send({ kind: 'latency', options });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker.terminate();
  }

  #send<Result>(job: Omit<LoadJob, 'id'>): Promise<Result> {
    if (this.#closed) return Promise.reject(new BenchSetupError('load generator is closed'));
    const id = this.#nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.#worker.postMessage({ ...job, id });
    });
  }
}
