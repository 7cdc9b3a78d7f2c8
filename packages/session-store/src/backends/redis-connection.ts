import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, ReplyError } from 'ioredis';
import { StoreClosedError, StoreUnavailableError } from '../errors.js';
import { defineRedisScripts } from './redis-scripts.js';

/** A Redis URL, or an ioredis client (standalone or Cluster) the caller owns. */
export type RedisSource = string | Redis | Cluster;

/** One command for `RedisConnection.batch`: its name, then its arguments; the first argument is its key. */
export type RedisCommand = readonly [name: string, key: string, ...args: (string | number)[]];

export interface RedisConnectionOptions {
  /** Longest a command may take, queued or sent, before it fails (connections this package creates). */
  commandTimeoutMs: number;
  /** Most commands that may wait for a connection that is still being established. */
  maxOfflineQueue: number;
}

// Redis replies that mean "not now" rather than "wrong command".
const unavailableReplies = /^(CLUSTERDOWN|LOADING|MASTERDOWN|TRYAGAIN|READONLY|BUSY)/;

/** Turns an ioredis failure into a typed one: anything but a plain command error means Redis is unavailable. */
export function toStoreError(error: unknown): Error {
  if (error instanceof StoreUnavailableError || error instanceof StoreClosedError) return error;
  const isReply = error instanceof ReplyError;
  if (isReply && error instanceof Error && !unavailableReplies.test(error.message)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`Redis is unavailable: ${message}`, { cause: error });
}

/**
 * The redis backend's hold on its client: fails fast while the client reconnects (ioredis would queue without
 * bound), maps failures to typed errors, and splits batches by Cluster node so that pipelines work there too.
 */
export class RedisConnection {
  readonly client: Redis | Cluster;
  readonly isCluster: boolean;
  readonly #owned: boolean;
  readonly #maxOfflineQueue: number;
  #waiting = 0;
  #closed = false;

  constructor(source: RedisSource, options: RedisConnectionOptions) {
    this.#maxOfflineQueue = options.maxOfflineQueue;
    if (typeof source === 'string') {
      this.client = new Redis(source, {
        commandTimeout: options.commandTimeoutMs,
        connectTimeout: Math.max(options.commandTimeoutMs, 1000),
        maxRetriesPerRequest: 1,
        // Reconnect quickly and forever: the hybrid store recovers on its own when Redis is back.
        retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      });
      // A connection failure reaches callers as a rejected command; this keeps it from being an unhandled 'error'.
      this.client.on('error', () => {});
      this.#owned = true;
    } else {
      this.client = source;
      this.#owned = false;
    }
    this.isCluster = this.client instanceof Cluster;
    defineRedisScripts(this.client);
  }

  /** True when the client is connected and ready for commands. */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Runs the commands pipelined (one pipeline per Cluster node) and returns their replies in order. */
  async batch(commands: readonly RedisCommand[]): Promise<unknown[]> {
    if (commands.length === 0) return [];
    this.#admit();
    const queued = this.client.status !== 'ready';
    if (queued) this.#waiting += 1;
    try {
      if (!this.isCluster) return await this.#pipeline(commands);
      const groups = this.#groupByNode(commands);
      const replies: unknown[] = new Array(commands.length);
      await Promise.all(
        [...groups.values()].map(async (positions) => {
          const groupReplies = await this.#pipeline(positions.map((position) => commands[position] as RedisCommand));
          positions.forEach((position, index) => {
            replies[position] = groupReplies[index];
          });
        }),
      );
      return replies;
    } catch (error) {
      throw toStoreError(error);
    } finally {
      if (queued) this.#waiting -= 1;
    }
  }

  /** Runs one command. */
  async command(command: RedisCommand): Promise<unknown> {
    const [reply] = await this.batch([command]);
    return reply;
  }

  /** Publishes a message (pub/sub is not keyed, so it bypasses the batching). */
  async publish(channel: string, message: string): Promise<void> {
    this.#admit();
    try {
      await this.client.publish(channel, message);
    } catch (error) {
      throw toStoreError(error);
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
    if (this.#closed) throw new StoreClosedError();
    const status = this.client.status;
    if (status === 'ready') return;
    // While ioredis reconnects it would queue every command until it gives up; fail now instead.
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new StoreUnavailableError(`Redis is unavailable: the connection is ${status}`);
    }
    if (this.#waiting >= this.#maxOfflineQueue) {
      throw new StoreUnavailableError(`Redis is unavailable: ${this.#waiting} commands already wait for a connection`);
    }
  }

  async #pipeline(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const results = await this.client.pipeline(commands.map((command) => [...command])).exec();
    if (!results) throw new StoreUnavailableError('Redis is unavailable: the pipeline was discarded');
    return results.map(([error, reply]) => {
      if (error) throw toStoreError(error);
      return reply;
    });
  }

  #groupByNode(commands: readonly RedisCommand[]): Map<string, number[]> {
    const slots = (this.client as Cluster).slots;
    const groups = new Map<string, number[]>();
    commands.forEach((command, position) => {
      const slot = calculateSlot(command[1]);
      // ioredis accepts a pipeline whose keys are all served by the same nodes; until slots are known, group by slot.
      const group = slots[slot]?.join(',') ?? `slot:${slot}`;
      const positions = groups.get(group);
      if (positions) positions.push(position);
      else groups.set(group, [position]);
    });
    return groups;
  }
}
