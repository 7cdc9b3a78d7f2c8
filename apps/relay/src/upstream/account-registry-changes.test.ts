import { describe, expect, it } from 'vitest';
import { Account } from './account.js';
import { AccountRegistry } from './account-registry.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const configs = [
  { id: 'a', apiKey: 'sk-a', priority: 0, maxConcurrency: 2 },
  { id: 'b', apiKey: 'sk-b', priority: 1, maxConcurrency: 2 },
];

function registryOf(): AccountRegistry {
  return new AccountRegistry(configs, () => true, { random: () => 0 });
}

describe('AccountRegistry changes at runtime (config reload)', () => {
  it('gives new sessions to an added account from the next choice on', () => {
    const registry = registryOf();
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('a');
    registry.add(new Account({ id: 'c', apiKey: 'sk-c', priority: -1, maxConcurrency: 2 }));
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('c');
    expect(registry.accounts.map((account) => account.id)).toEqual(['a', 'b', 'c']);
    expect(() => registry.add(new Account({ id: 'c', apiKey: 'sk-c2', priority: 0, maxConcurrency: 1 }))).toThrow(
      '"c"',
    );
  });

  it('gives a removed account no new request, moves its sessions, and lets its request in flight end', () => {
    const registry = registryOf();
    const lease = registry.acquire('a', new Set(), now);
    const a = lease?.account as Account;
    registry.bindSession('s1', a);
    const removed = registry.remove('a');
    expect(removed).toBe(a);
    expect(registry.get('a')).toBeUndefined();
    expect(registry.accounts.map((account) => account.id)).toEqual(['b']);
    // The session bound to it is given another account on its next request, as when it is unusable.
    const next = registry.choose('a', new Set(), now);
    expect(next?.id).toBe('b');
    registry.bindSession('s1', next as Account);
    expect((next as Account).boundSessions).toBe(1);
    // The request in flight still holds the account object and gives its slot back to it.
    expect(a.inFlight).toBe(1);
    lease?.release();
    expect(a.inFlight).toBe(0);
    expect(registry.remove('a')).toBeUndefined();
    expect(registry.hasUsableAccount(now)).toBe(true);
  });

  it('applies a changed priority and cap to the next choice and a changed credential to the next request', () => {
    const registry = registryOf();
    const a = registry.get('a') as Account;
    const b = registry.get('b') as Account;
    const held = [registry.acquireAccount(a, now), registry.acquireAccount(a, now)];
    a.coolingUntil = 0;
    b.coolingReason = 'kept';
    registry.update({ id: 'a', apiKey: 'sk-a-rotated', priority: 5, maxConcurrency: 1 });
    registry.update({ id: 'b', apiKey: 'sk-b', priority: 1, maxConcurrency: 4 });
    // a's two requests in flight go on; it is over its new cap of 1 until they end, and behind b now.
    expect(a.inFlight).toBe(2);
    expect(a.unavailableReason(now)).toBe('at-capacity');
    expect(registry.choose(undefined, new Set(), now)?.id).toBe('b');
    for (const lease of held) lease?.release();
    expect(registry.choose(undefined, new Set(['b']), now)?.id).toBe('a');
    expect(a.credentialHeaders).toEqual({ 'x-api-key': 'sk-a-rotated' });
    expect(b.coolingReason).toBe('kept');
    expect(registry.update({ id: 'unknown', apiKey: 'sk', priority: 0, maxConcurrency: 1 })).toBeUndefined();
  });

  it('switches an account between an api key and an OAuth token', () => {
    const registry = registryOf();
    const a = registry.get('a') as Account;
    registry.update({ id: 'a', oauthToken: 'oat-a', priority: 0, maxConcurrency: 2 });
    expect([a.usesOAuth, a.credentialHeaders]).toEqual([true, { authorization: 'Bearer oat-a' }]);
    registry.update({ id: 'a', apiKey: 'sk-a', priority: 0, maxConcurrency: 2 });
    expect([a.usesOAuth, a.credentialHeaders]).toEqual([false, { 'x-api-key': 'sk-a' }]);
  });
});
