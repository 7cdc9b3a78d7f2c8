import { Cluster, Redis, ReplyError } from 'ioredis';
import { QuotaClosedError, QuotaUnavailableError } from '../errors.js';
import { defineRedisScripts, type RedisScriptName } from './redis-scripts.js';

/** A Redis URL, or an ioredis client (standalone or Cluster) the caller owns. */
export type RedisSource = string | Redis | Cluster;

/** One script call: its name, its key, its arguments. */
export type ScriptCall = readonly [name: RedisScriptName, key: string, ...args: (string | number)[]];

// Redis replies that mean "not now" rather than "wrong command".
const unavailableReplies = /^(CLUSTERDOWN|LOADING|MASTERDOWN|TRYAGAIN|READONLY|BUSY)/;

/** Anything but a plain command error means Redis is unavailable. */
function toQuotaError(error: unknown): Error {
  if (error instanceof QuotaUnavailableError || error instanceof QuotaClosedError) return error;
  if (error instanceof ReplyError && error instanceof Error && !unavailableReplies.test(error.message)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new QuotaUnavailableError(`Redis is unavailable: ${message}`, { cause: error });
}

/** The redis backend's hold on its client: fails fast while it reconnects, maps failures to typed errors. */
export class RedisConnection {
  readonly client: Redis | Cluster;
  readonly #owned: boolean;
  #closed = false;

  constructor(source: RedisSource, commandTimeoutMs: number) {
    if (typeof source === 'string') {
      this.client = new Redis(source, {
        commandTimeout: commandTimeoutMs,
        connectTimeout: Math.max(commandTimeoutMs, 1000),
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      });
      // Failures reach callers as rejected commands; this keeps them from being unhandled 'error' events.
      this.client.on('error', () => {});
      this.#owned = true;
    } else {
      this.client = source;
      this.#owned = false;
    }
    defineRedisScripts(this.client);
  }

  /** Runs one script. */
  async call(call: ScriptCall): Promise<unknown> {
    const [reply] = await this.batch([call]);
    return reply;
  }

  /** Runs the calls, pipelined on a standalone Redis, in parallel on a Cluster (each to its key's node). */
  async batch(calls: readonly ScriptCall[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    this.#admit();
    try {
      if (this.client instanceof Cluster) {
        const client = this.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        return await Promise.all(
          calls.map(
            async ([name, ...args]) =>
              await (client[name] as (...a: unknown[]) => Promise<unknown>).apply(this.client, args),
          ),
        );
      }
      const results = await this.client.pipeline(calls.map((call) => [...call])).exec();
      if (!results) throw new QuotaUnavailableError('Redis is unavailable: the pipeline was discarded');
      return results.map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
    } catch (error) {
      throw toQuotaError(error);
    }
  }

  /** Runs a plain command (reads). */
  async command(name: string, ...args: (string | number)[]): Promise<unknown> {
    this.#admit();
    try {
      return await this.client.call(name, ...args);
    } catch (error) {
      throw toQuotaError(error);
    }
  }

  /** Closes the client if this package created it; a caller's client is left open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  #admit(): void {
    if (this.#closed) throw new QuotaClosedError('quota backend');
    const status = this.client.status;
    // While ioredis reconnects it would queue every command until it gives up; fail now instead.
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new QuotaUnavailableError(`Redis is unavailable: the connection is ${status}`);
    }
  }
}
