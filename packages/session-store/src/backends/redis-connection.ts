import {
  type RedisCommand,
  type RedisSource,
  RedisConnection as SharedRedisConnection,
  type RedisConnectionOptions as SharedRedisConnectionOptions,
} from '@relay/internals';
import { StoreClosedError, StoreUnavailableError } from '../errors.js';
import { defineRedisScripts } from './redis-scripts.js';

export type { RedisCommand, RedisSource };

export interface RedisConnectionOptions extends Omit<SharedRedisConnectionOptions, 'errors'> {
  /** Most commands that may wait for a connection that is still being established. */
  maxOfflineQueue: number;
}

const storeErrors = {
  unavailable: (message: string, options?: { cause?: unknown }) => new StoreUnavailableError(message, options),
  closed: () => new StoreClosedError(),
};

/** The redis backend's hold on its client, with this package's scripts and errors (`RELAY_ERR_STORE_*`). */
export class RedisConnection extends SharedRedisConnection {
  constructor(source: RedisSource, options: RedisConnectionOptions) {
    super(source, { ...options, errors: storeErrors });
    defineRedisScripts(this.client);
  }
}
