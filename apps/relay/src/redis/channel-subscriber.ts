import type { Cluster, Redis } from 'ioredis';

export interface ChannelSubscriberOptions {
  /** A connection of the shared Redis deployment: duplicated for the subscription, never closed. */
  redis: Redis | Cluster;
  channel: string;
  /** A message on the channel, as published: untrusted, validate it. */
  onMessage(message: string): void;
  /**
   * The subscription is (again) connected: messages published while it was not are lost, so the owner reloads
   * what it shares from Redis here. Also called on the first connection.
   */
  onReady(): void;
  onError?(error: unknown): void;
}

/**
 * Listens to one Redis pub/sub channel on a connection of its own, and says when that connection comes back so
 * that a missed message can be healed by a reload. `subscribed` settles even when Redis is down (ioredis
 * reconnects and resubscribes by itself; `onReady` follows).
 */
export class ChannelSubscriber {
  readonly #connection: Redis | Cluster;
  /** Settles once the first SUBSCRIBE was answered or failed (never rejects). */
  readonly subscribed: Promise<void>;

  constructor(options: ChannelSubscriberOptions) {
    const connection = options.redis.duplicate();
    this.#connection = connection;
    connection.on('error', (error: unknown) => options.onError?.(error));
    connection.on('message', (channel: string, message: string) => {
      if (channel === options.channel) options.onMessage(message);
    });
    connection.on('ready', () => options.onReady());
    this.subscribed = connection.subscribe(options.channel).then(
      () => undefined,
      (error: unknown) => options.onError?.(error),
    );
  }

  close(): void {
    this.#connection.disconnect();
  }
}
