import { describe, expect, it } from 'vitest';
import { hashClientKey } from '../auth/client-key.js';
import { diffConfig, isUnchanged, reloadedConfig, routesAdded, summarizeDiff } from './config-diff.js';
import type { RelayConfigInput } from './config-schema.js';
import { validateConfig } from './load-config.js';

const clientKey = 'client-key-0123456789abcdef';
const base: RelayConfigInput = {
  listen: { port: 3000 },
  upstream: { baseUrl: 'https://upstream.example' },
  accounts: [
    { id: 'a', apiKey: 'sk-ant-a-secret', priority: 0 },
    { id: 'b', oauth: { accessToken: 'oat-b-secret', refreshToken: 'ort-b-secret', expiresAt: 1 } },
  ],
  clients: [{ id: 'alice', key: clientKey }],
};

/** `base` with `change` applied to a structured copy. */
function variant(change: (config: RelayConfigInput & Record<string, unknown>) => void): RelayConfigInput {
  const copy = structuredClone(base) as RelayConfigInput & Record<string, unknown>;
  change(copy);
  return copy;
}

const accountsOf = (config: RelayConfigInput) => config.accounts as Array<Record<string, unknown>>;
const clientsOf = (config: RelayConfigInput) => config.clients as Array<Record<string, unknown>>;

describe('diffConfig', () => {
  it.each<[string, RelayConfigInput, ReturnType<typeof summarizeDiff>]>([
    [
      'nothing changed',
      base,
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'an account added',
      variant((config) => accountsOf(config).push({ id: 'c', apiKey: 'sk-ant-c' })),
      {
        accounts: { added: ['c'], removed: [], changed: {} },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'an account removed',
      variant((config) => accountsOf(config).shift()),
      {
        accounts: { added: [], removed: ['a'], changed: {} },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'an api key, a priority and a cap changed',
      variant((config) => {
        Object.assign(accountsOf(config)[0] as object, { apiKey: 'sk-ant-a-new', priority: 2, maxConcurrency: 3 });
      }),
      {
        accounts: { added: [], removed: [], changed: { a: ['credential', 'priority', 'maxConcurrency'] } },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'a proxy set and an oauth pair replaced',
      variant((config) => {
        Object.assign(accountsOf(config)[0] as object, { proxy: 'http://proxy.example:3128' });
        Object.assign(accountsOf(config)[1] as object, {
          oauth: { accessToken: 'oat-b-new', refreshToken: 'ort-b-new', expiresAt: 2 },
        });
      }),
      {
        accounts: { added: [], removed: [], changed: { a: ['proxy'], b: ['oauth'] } },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'an api key account that became an oauth one',
      variant((config) => {
        accountsOf(config)[0] = { id: 'a', oauth: { accessToken: 'x', refreshToken: 'y', expiresAt: 3 } };
      }),
      {
        accounts: { added: [], removed: [], changed: { a: ['credential', 'oauth'] } },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'the default written out is no change',
      variant((config) => Object.assign(accountsOf(config)[0] as object, { maxConcurrency: 64 })),
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'a client added, and the same key given as its hash',
      variant((config) => {
        clientsOf(config)[0] = { id: 'alice', keyHash: hashClientKey(clientKey) };
        clientsOf(config).push({ id: 'bob', key: 'client-key-bob-0123456789' });
      }),
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: ['bob'], removed: [], changed: {} },
        needsRestart: [],
      },
    ],
    [
      'a client removed',
      variant((config) => {
        config.clients = [];
      }),
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: [], removed: ['alice'], changed: {} },
        needsRestart: [],
      },
    ],
    [
      "a client's key, models and limits changed",
      variant((config) => {
        clientsOf(config)[0] = {
          id: 'alice',
          key: 'client-key-rotated-0123456789',
          models: ['claude-sonnet-*'],
          limits: { requestsPerMinute: 5 },
        };
      }),
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: [], removed: [], changed: { alice: ['key', 'models', 'limits'] } },
        needsRestart: [],
      },
    ],
    [
      'fields outside accounts and clients need a restart, named by their leaf',
      variant((config) => {
        config.listen = { port: 3001 };
        config.upstream = { baseUrl: 'https://other.example', connections: { max: 7 } };
        config.sessions = { store: 'redis' };
        config.limits = { authFailures: { exempt: ['10.0.0.1'] } };
        config.admin = { token: 'an-admin-token-0123456789' };
      }),
      {
        accounts: { added: [], removed: [], changed: {} },
        clients: { added: [], removed: [], changed: {} },
        needsRestart: [
          'listen.port',
          'upstream.baseUrl',
          'upstream.connections.max',
          'sessions.store',
          'admin.token',
          'limits.authFailures.exempt',
        ],
      },
    ],
  ])('%s', (_name, next, expected) => {
    const diff = diffConfig(validateConfig(base), validateConfig(next));
    expect(summarizeDiff(diff)).toEqual(expected);
    expect(isUnchanged(diff)).toBe(_name === 'nothing changed' || _name === 'the default written out is no change');
  });

  it('carries the new config of an added or changed account; its summary carries no credential', () => {
    const next = variant((config) => {
      accountsOf(config).push({ id: 'c', apiKey: 'sk-ant-c-secret', proxy: 'http://user:pw-secret@proxy:1' });
      Object.assign(accountsOf(config)[0] as object, { apiKey: 'sk-ant-a-rotated-secret' });
      clientsOf(config)[0] = { id: 'alice', key: 'client-key-rotated-secret-0123' };
    });
    const diff = diffConfig(validateConfig(base), validateConfig(next));
    expect(diff.accounts.added[0]?.apiKey).toBe('sk-ant-c-secret');
    expect(diff.accounts.changed[0]?.config.apiKey).toBe('sk-ant-a-rotated-secret');
    const summary = JSON.stringify(summarizeDiff(diff));
    expect(summary).not.toMatch(/secret|pw-/);
  });
});

describe('reloadedConfig', () => {
  it('takes accounts and clients from the re-read config and keeps everything else running', () => {
    const running = validateConfig(base);
    const next = validateConfig(
      variant((config) => {
        config.listen = { port: 4000 };
        accountsOf(config).push({ id: 'c', apiKey: 'sk-ant-c' });
      }),
    );
    const result = reloadedConfig(running, next);
    expect(result.listen.port).toBe(3000);
    expect(result.accounts.map((account) => account.id)).toEqual(['a', 'b', 'c']);
    expect(result.clients).toBe(next.clients);
  });
});

describe('routesAdded', () => {
  it.each<[string, Array<string | undefined>, Array<string | undefined>, Array<string | undefined>]>([
    ['same routes', [undefined, 'http://p1:1'], ['http://p1:1', undefined], []],
    ['a new proxy', [undefined], [undefined, 'http://p2:2', 'http://p2:2'], ['http://p2:2']],
    ['the first direct account', ['http://p1:1'], ['http://p1:1', undefined], [undefined]],
    ['a route no longer used', ['http://p1:1', undefined], [undefined], []],
  ])('%s', (_name, before, after, expected) => {
    const accounts = (proxies: Array<string | undefined>) =>
      proxies.map((proxy, index) => ({
        id: `account-${index}`,
        apiKey: 'sk',
        priority: 0,
        maxConcurrency: 1,
        ...(proxy ? { proxy } : {}),
      }));
    expect(routesAdded(accounts(before), accounts(after))).toEqual(expected);
  });
});
