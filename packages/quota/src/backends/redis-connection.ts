import { type RedisSource, RedisConnection as SharedRedisConnection } from '@relay/internals';
import { QuotaClosedError, QuotaUnavailableError } from '../errors.js';
import { defineRedisScripts, type RedisScriptName } from './redis-scripts.js';

export type { RedisSource };

/** One script call: its name, its key, its arguments. */
export type ScriptCall = readonly [name: RedisScriptName, key: string, ...args: (string | number)[]];

const quotaErrors = {
  unavailable: (message: string, options?: { cause?: unknown }) => new QuotaUnavailableError(message, options),
  closed: () => new QuotaClosedError('quota backend'),
};

/** The redis backend's hold on its client, with this package's scripts and errors (`RELAY_ERR_QUOTA_*`). */
export class RedisConnection extends SharedRedisConnection {
  constructor(source: RedisSource, commandTimeoutMs: number) {
    super(source, { commandTimeoutMs, errors: quotaErrors });
    defineRedisScripts(this.client);
  }

  /** Runs one script. */
  async call(call: ScriptCall): Promise<unknown> {
    return await this.command(call);
  }
}
