import { waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { type SharedAccountFacts, SharedAccountState } from './shared-account-state.js';

describeWithRedis('SharedAccountState: accounts added and removed by a config reload', () => {
  const connections: Redis[] = [];
  const states: SharedAccountState[] = [];
  const start = async (keyPrefix: string, accountIds: string[]) => {
    const redis = new Redis(testRedisUrl() as string);
    connections.push(redis);
    const applied = new Map<string, SharedAccountFacts>();
    const state = new SharedAccountState({
      redis,
      keyPrefix,
      accountIds,
      apply: (accountId, facts) => applied.set(accountId, facts),
      onError: () => {},
    });
    states.push(state);
    await state.start();
    return { state, applied };
  };
  afterEach(async () => {
    await Promise.all(states.splice(0).map(async (state) => state.close()));
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('an added account starts from what Redis knows of it and follows the other instances; a removed one does not', async () => {
    const keyPrefix = uniqueKeyPrefix('account-membership');
    const veteran = await start(keyPrefix, ['a', 'c']);
    const reloaded = await start(keyPrefix, ['a']);
    veteran.state.disable('c', 'disabled elsewhere');
    await waitFor(() => veteran.applied.get('c')?.disabledReason === 'disabled elsewhere', { timeoutMs: 5_000 });
    expect(reloaded.applied.has('c')).toBe(false);

    await reloaded.state.addAccount('c');
    expect(reloaded.applied.get('c')?.disabledReason).toBe('disabled elsewhere');
    const until = Date.now() + 60_000;
    veteran.state.coolDown('c', until);
    await waitFor(() => reloaded.applied.get('c')?.coolingUntil === until, { timeoutMs: 5_000 });

    reloaded.state.removeAccount('c');
    reloaded.applied.clear();
    veteran.state.enable('c');
    // A later change of a tracked account arrives after the removed one's would have.
    veteran.state.coolDown('a', until);
    await waitFor(() => reloaded.applied.get('a')?.coolingUntil === until, { timeoutMs: 5_000 });
    expect(reloaded.applied.has('c')).toBe(false);
  });
});
