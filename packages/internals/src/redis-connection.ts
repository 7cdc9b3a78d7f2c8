import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { clusterSlot } from './cluster-slot.js';
import { isCommandError } from './redis-failure.js';

/** A Redis URL, or an ioredis client (standalone or Cluster) the caller owns. */
export type RedisSource = string | Redis | Cluster;

/** One command for `RedisConnection.batch`: its name, then its arguments; the first argument is its key. */
export type RedisCommand = readonly [name: string, key: string, ...args: (string | number)[]];

/** The errors a package throws for its connection's failures: its own classes, with its own codes. */
export interface RedisConnectionErrors {
  /** Redis cannot answer now; the message says why. */
  unavailable(message: string, options?: { cause?: unknown }): Error;
  /** A call on a connection its owner has closed. */
  closed(): Error;
}

export interface RedisConnectionOptions {
  /** Longest a command may take, queued or sent, before it fails (connections made from a URL). */
  commandTimeoutMs: number;
  /** Most commands that may wait for a connection that is still being established. Default: no bound. */
  maxOfflineQueue?: number;
  errors: RedisConnectionErrors;
}

/** The ioredis options of a connection that fails fast and reconnects quickly and forever. */
export function failFastRedisOptions(commandTimeoutMs: number): RedisOptions {
  return {
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    maxRetriesPerRequest: 1,
    // Callers fail fast while Redis is away and carry on by themselves when it is back.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  };
}

/**
 * A backend's hold on its Redis client: fails fast while the client reconnects (ioredis would queue without
 * bound), maps failures to the package's typed errors, and splits batches by Cluster node so that pipelines work
 * there too.
 */
export class RedisConnection {
  readonly client: Redis | Cluster;
  readonly isCluster: boolean;
  readonly #owned: boolean;
  readonly #errors: RedisConnectionErrors;
  readonly #maxOfflineQueue: number;
  #waiting = 0;
  #closed = false;

  constructor(source: RedisSource, options: RedisConnectionOptions) {
    this.#errors = options.errors;
    this.#maxOfflineQueue = options.maxOfflineQueue ?? Number.POSITIVE_INFINITY;
    if (typeof source === 'string') {
      this.client = new Redis(source, failFastRedisOptions(options.commandTimeoutMs));
      // A connection failure reaches callers as a rejected command; this keeps it from being an unhandled 'error'.
      this.client.on('error', () => {});
      this.#owned = true;
    } else {
      this.client = source;
      this.#owned = false;
    }
    this.isCluster = this.client instanceof Cluster;
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
      return this.isCluster ? await this.#pipelinePerNode(commands) : await this.#pipeline(commands);
    } catch (error) {
      throw this.#typed(error);
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
      throw this.#typed(error);
    }
  }

  /** Closes the client if this connection created it; a caller's client is left open. */
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
    if (this.#closed) throw this.#errors.closed();
    const status = this.client.status;
    if (status === 'ready') return;
    // While ioredis reconnects it would queue every command until it gives up; fail now instead.
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw this.#errors.unavailable(`Redis is unavailable: the connection is ${status}`);
    }
    if (this.#waiting >= this.#maxOfflineQueue) {
      throw this.#errors.unavailable(`Redis is unavailable: ${this.#waiting} commands already wait for a connection`);
    }
  }

  #typed(error: unknown): Error {
    if (isCommandError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return this.#errors.unavailable(`Redis is unavailable: ${message}`, { cause: error });
  }

  async #pipeline(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const results = await this.client.pipeline(commands.map((command) => [...command])).exec();
    if (!results) throw new Error('the pipeline was discarded');
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }

  async #pipelinePerNode(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const replies: unknown[] = new Array(commands.length);
    await Promise.all(
      [...this.#groupByNode(commands).values()].map(async (positions) => {
        const groupReplies = await this.#pipeline(positions.map((position) => commands[position] as RedisCommand));
        positions.forEach((position, index) => {
          replies[position] = groupReplies[index];
        });
      }),
    );
    return replies;
  }

  #groupByNode(commands: readonly RedisCommand[]): Map<string, number[]> {
    const slots = (this.client as Cluster).slots;
    const groups = new Map<string, number[]>();
    commands.forEach((command, position) => {
      const slot = clusterSlot(command[1]);
      // ioredis accepts a pipeline whose keys are all served by the same nodes; until slots are known, group by slot.
      const group = slots[slot]?.join(',') ?? `slot:${slot}`;
      const positions = groups.get(group);
      if (positions) positions.push(position);
      else groups.set(group, [position]);
    });
    return groups;
  }
}
