import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { hashClientKey } from '../src/auth/client-key.js';
import { adminCall, createKey } from './admin-keys-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-for-the-keys-tests';
const request = { max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };

/** Sends one Messages request with the SDK; resolves to 'ok' or the SDK error it raised. */
async function ask(relay: RelayProcess, key: string, model = 'claude-sonnet-4-6'): Promise<'ok' | Error> {
  const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
  try {
    await client.messages.create({ ...request, model });
    return 'ok';
  } catch (error) {
    return error as Error;
  }
}

/** Every value stored under `prefix`, whatever its type, as one string. */
async function everythingUnder(redis: Redis, prefix: string): Promise<string> {
  const values: unknown[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') values.push(key, await redis.get(key));
      else if (type === 'hash') values.push(key, await redis.hgetall(key));
      else if (type === 'set') values.push(key, await redis.smembers(key));
      else if (type === 'zset') values.push(key, await redis.zrange(key, 0, -1, 'WITHSCORES'));
      else if (type === 'list') values.push(key, await redis.lrange(key, 0, -1));
      else values.push(key, type);
    }
  } while (cursor !== '0');
  return JSON.stringify(values);
}

describeWithRedis('client keys at runtime, on two relays sharing Redis (hybrid)', { timeout: 90_000 }, () => {
  let mock: MockAnthropic;
  let redis: Redis;
  let keyPrefix: string;
  let relays: [RelayProcess, RelayProcess];

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
    redis = new Redis(testRedisUrl() as string);
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    redis.disconnect();
    await mock.close();
  });

  const startBoth = async () => {
    keyPrefix = uniqueKeyPrefix('keys-runtime');
    const config = {
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      sessions: { store: 'hybrid' as const, redisUrl: testRedisUrl(), keyPrefix },
      accounts: [{ id: 'a', apiKey: 'sk-ant-keys-account-a-0000' }],
    };
    // One after the other: two processes starting at once on a busy machine can take longer than the wait.
    const first = await startRelayProcess(config);
    relays = [first, await startRelayProcess(config, { clientKey: first.clientKey })];
    return relays;
  };

  it('a key created on A works on B; its models changed on A apply on B; revoked on A, B refuses it within 1 s', async () => {
    const [a, b] = await startBoth();
    const created = await adminCall(a, adminToken, 'POST', '/admin/keys', {
      id: 'team-a',
      userId: 'alice',
      models: ['claude-sonnet-*'],
      limits: { requestsPerMinute: 600, budgets: [{ usd: 20, window: 'day' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'team-a', source: 'store', userId: 'alice', models: ['claude-sonnet-*'] });
    const key = created.body.key as string;
    expect(key).toMatch(/^relay_/);

    await waitFor(async () => (await ask(b, key)) === 'ok', { timeoutMs: 10_000, message: 'B never took the key' });
    expect(await ask(a, key)).toBe('ok');

    // The allow-list: a model outside it is a 403 the SDK raises as PermissionDeniedError, naming the model.
    const refused = await ask(b, key, 'claude-opus-4-1');
    expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((refused as Error).message).toContain('claude-opus-4-1');

    const patched = await adminCall(a, adminToken, 'PATCH', '/admin/keys/team-a', { models: ['claude-haiku-*'] });
    expect(patched.status).toBe(200);
    expect(patched.body.models).toEqual(['claude-haiku-*']);
    await waitFor(async () => (await ask(b, key, 'claude-sonnet-4-6')) instanceof Anthropic.PermissionDeniedError, {
      timeoutMs: 10_000,
      message: 'B kept the old allow-list',
    });
    expect(await ask(b, key, 'claude-haiku-4-5')).toBe('ok');

    // What the admin API shows: limits and last use, never the key or its hash.
    const shown = await adminCall(b, adminToken, 'GET', '/admin/keys/team-a');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: 'team-a',
      source: 'store',
      limits: { requestsPerMinute: 600, budgets: [{ usd: 20, window: 'day' }] },
      expired: false,
    });
    expect(Date.parse(shown.body.lastUsedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(shown.body.createdAt as string)).toBeGreaterThan(Date.now() - 60_000);
    const listed = await adminCall(a, adminToken, 'GET', '/admin/keys');
    expect((listed.body.data as Array<{ id: string; source: string }>).map(({ id, source }) => [id, source])).toEqual(
      expect.arrayContaining([
        ['e2e-client', 'config'],
        ['team-a', 'store'],
      ]),
    );
    for (const answer of [shown, listed]) {
      expect(JSON.stringify(answer.body)).not.toContain(key);
      expect(JSON.stringify(answer.body)).not.toContain(hashClientKey(key));
    }

    // Revocation: from A's answer to B's first refusal.
    const revoked = await adminCall(a, adminToken, 'DELETE', '/admin/keys/team-a');
    expect(revoked).toEqual({ status: 200, body: { id: 'team-a', revoked: true } });
    const revokedAt = performance.now();
    let refusal: 'ok' | Error = 'ok';
    while (performance.now() - revokedAt < 5_000) {
      refusal = await ask(b, key, 'claude-haiku-4-5');
      if (refusal !== 'ok') break;
    }
    const observedMs = performance.now() - revokedAt;
    console.log(`[keys] B refused the key revoked on A after ${observedMs.toFixed(1)} ms`);
    expect(refusal).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(observedMs).toBeLessThan(1_000);
    expect(await ask(a, key, 'claude-haiku-4-5')).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((await adminCall(b, adminToken, 'GET', '/admin/keys/team-a')).status).toBe(404);
  });

  it('an expired key gets 401 authentication_error saying when it expired', async () => {
    const [a, b] = await startBoth();
    const expiresAt = Date.now() + 3_000;
    const key = await createKey(a, adminToken, { id: 'short-lived', expiresAt });
    await waitFor(async () => (await ask(b, key)) === 'ok', { timeoutMs: 10_000 });
    await waitFor(async () => (await ask(b, key)) !== 'ok', { timeoutMs: 10_000, intervalMs: 100 });
    const expired = await ask(b, key);
    expect(expired).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((expired as Error).message).toContain(`the client key expired at ${new Date(expiresAt).toISOString()}`);
    const past = await createKey(a, adminToken, { id: 'born-expired', expiresAt: '2020-01-01T00:00:00Z' });
    expect(await ask(a, past)).toBeInstanceOf(Anthropic.AuthenticationError);
    const shown = await adminCall(a, adminToken, 'GET', '/admin/keys/born-expired');
    expect(shown.body).toMatchObject({ expired: true, expiresAt: '2020-01-01T00:00:00.000Z' });
  });

  it('keeps only the hash in Redis, and survives garbage on the key channel', async () => {
    const [a, b] = await startBoth();
    const key = await createKey(a, adminToken, { id: 'hashed', models: ['*'] });
    await waitFor(async () => (await ask(b, key)) === 'ok', { timeoutMs: 10_000 });
    const stored = await everythingUnder(redis, keyPrefix);
    expect(stored).toContain(hashClientKey(key));
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(a.clientKey);

    const revokedKey = await createKey(a, adminToken, { id: 'gone' });
    await adminCall(a, adminToken, 'DELETE', '/admin/keys/gone');
    const channel = `${keyPrefix}{keys}:changes`;
    for (const message of ['not json', '{"id":', '{"id":5}', JSON.stringify({ id: 'x'.repeat(100_000) }), 'null']) {
      await redis.publish(channel, message);
    }
    // A message naming a key is only a hint: the record is read again, and a revoked key stays revoked.
    await redis.publish(channel, JSON.stringify({ id: 'gone', keyHash: hashClientKey(revokedKey) }));
    await redis.publish(channel, JSON.stringify({ id: 'e2e-client' }));
    for (const relay of [a, b]) await relay.waitForOutput(/dropped a client key message or record from Redis/);
    for (const relay of [a, b]) {
      expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
      expect(await ask(relay, key)).toBe('ok');
      expect(await ask(relay, a.clientKey)).toBe('ok');
      expect(await ask(relay, revokedKey)).toBeInstanceOf(Anthropic.AuthenticationError);
      const ids = ((await adminCall(relay, adminToken, 'GET', '/admin/keys')).body.data as Array<{ id: string }>)
        .map(({ id }) => id)
        .sort();
      expect(ids).toEqual(['e2e-client', 'hashed']);
    }
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it('answers bad admin input with 400 naming the field, no token with 401, config keys with 409', async () => {
    const [a] = await startBoth();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/admin/keys', { id: 'x', limits: { requestsPerMinute: 0 } }, 400, 'limits.requestsPerMinute'],
      [
        'POST',
        '/admin/keys',
        { id: 'x', limits: { budgets: [{ usd: 5, window: 'year' }] } },
        400,
        'limits.budgets[0].window',
      ],
      ['POST', '/admin/keys', { id: 'x', models: ['has space'] }, 400, 'models[0]'],
      ['POST', '/admin/keys', { id: 'x', expiresAt: 'soon' }, 400, 'expiresAt'],
      ['POST', '/admin/keys', { models: ['*'] }, 400, 'id'],
      ['POST', '/admin/keys', { id: 'x', key: 'relay_my-own-choice-of-key' }, 400, 'key'],
      ['POST', '/admin/keys', '{"id":', 400, 'not valid JSON'],
      ['POST', '/admin/keys', JSON.stringify({ id: 'x', userId: 'u'.repeat(70_000) }), 413, 'larger'],
      ['PATCH', '/admin/keys/e2e-client', { models: [] }, 400, 'models'],
      ['POST', '/admin/keys', { id: 'e2e-client' }, 409, 'config file'],
      ['PATCH', '/admin/keys/e2e-client', { models: ['*'] }, 409, 'config file'],
      ['DELETE', '/admin/keys/e2e-client', undefined, 409, 'config file'],
      ['DELETE', '/admin/keys/nobody', undefined, 404, 'no client key named "nobody"'],
      ['PATCH', '/admin/keys/nobody', { userId: 'bob' }, 404, 'no client key named "nobody"'],
    ];
    for (const [method, path, body, status, text] of cases) {
      const answer = await adminCall(a, adminToken, method, path, body);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status });
      expect(answer.body.error?.message).toContain(text);
    }
    const key = await createKey(a, adminToken, { id: 'dup' });
    const duplicate = await adminCall(a, adminToken, 'POST', '/admin/keys', { id: 'dup' });
    expect(duplicate.status).toBe(409);
    expect(JSON.stringify(duplicate.body)).not.toContain(key);

    for (const [method, path] of [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys'],
      ['GET', '/admin/keys/dup'],
      ['PATCH', '/admin/keys/dup'],
      ['DELETE', '/admin/keys/dup'],
    ] as const) {
      const anonymous = await adminCall(a, undefined, method, path, method === 'POST' ? { id: 'sneaky' } : undefined);
      expect({ path, method, status: anonymous.status, type: anonymous.body.error?.type }).toEqual({
        path,
        method,
        status: 401,
        type: 'authentication_error',
      });
      expect((await adminCall(a, 'wrong-admin-token-000000', method, path)).status).toBe(403);
    }
    expect(await ask(a, key)).toBe('ok');
  });
});
