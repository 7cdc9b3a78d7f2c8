import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from './backends/memory.js';
import { RedisSessionStore } from './backends/redis.js';
import {
  InvalidArgumentError,
  InvalidOptionError,
  SessionStoreError,
  StoreClosedError,
  StoreUnavailableError,
} from './errors.js';
import { SessionManager } from './session-manager.js';

const cause = new Error('the cause');

describe('errors', () => {
  it.each([
    ['StoreUnavailableError', 'RELAY_ERR_STORE_UNAVAILABLE', new StoreUnavailableError('down', { cause })],
    ['StoreClosedError', 'RELAY_ERR_STORE_CLOSED', new StoreClosedError({ cause })],
    [
      'InvalidOptionError',
      'RELAY_ERR_STORE_INVALID_OPTION',
      new InvalidOptionError('ttlMs', 'an integer', 0, { cause }),
    ],
    [
      'InvalidArgumentError',
      'RELAY_ERR_STORE_INVALID_ARGUMENT',
      new InvalidArgumentError('id', 'a string', 1, { cause }),
    ],
  ])('%s has a literal code and name, extends the package base and keeps its cause', (name, code, error) => {
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
  });

  it.each([
    ['keyPrefix', () => new RedisSessionStore({ redis: 'redis://127.0.0.1:1', keyPrefix: 'a{b' })],
    [
      'indexBuckets.accountId',
      () => new RedisSessionStore({ redis: 'redis://127.0.0.1:1', indexBuckets: { accountId: 0 } }),
    ],
    ['maxSessions', () => new MemorySessionStore({ maxSessions: 0 })],
    ['store', () => new SessionManager({ store: undefined as never })],
  ])('names the bad option %s', (option, construct) => {
    let thrown: unknown;
    try {
      construct();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as InvalidOptionError).option).toBe(option);
    expect((thrown as InvalidOptionError).code).toBe('RELAY_ERR_STORE_INVALID_OPTION');
  });

  it('names the bad argument', async () => {
    const store = new MemorySessionStore();
    const error = await store.set({ id: '' } as never).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('session id');
  });
});
