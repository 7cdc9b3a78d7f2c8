import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashClientKey } from '../src/auth/client-key.js';
import { adminCall, createKey } from './admin-keys-client.js';
import { startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-for-the-memory-keys-test';

describe('client keys with the memory store (kept in the state file)', { timeout: 60_000 }, () => {
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterEach(async () => stopAllRelays());
  afterAll(async () => mock.close());

  it('a key created through the admin API survives a restart; the state file keeps only its hash, mode 0600', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'relay-keys-memory-')), 'state.json');
    const config = {
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      state: { file: stateFile },
      accounts: [{ id: 'a', apiKey: 'sk-ant-memory-keys-account-0' }],
    };
    const first = await startRelayProcess(config);
    const key = await createKey(first, adminToken, {
      id: 'kept',
      models: ['claude-haiku-*'],
      expiresAt: '2099-01-01T00:00:00Z',
      limits: { tokensPerMinute: 100_000 },
    });
    const client = (url: string) => new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0 });
    const ask = { model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user' as const, content: 'hi' }] };
    expect((await client(first.url).messages.create(ask)).type).toBe('message');
    expect(await first.stop()).toBe(0);

    const text = readFileSync(stateFile, 'utf8');
    expect(text).toContain(hashClientKey(key));
    expect(text).not.toContain(key);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    // The last use was written on the way out.
    expect(JSON.parse(text).clients).toEqual([
      expect.objectContaining({ id: 'kept', expiresAt: '2099-01-01T00:00:00.000Z', lastUsedAt: expect.any(String) }),
    ]);

    const second = await startRelayProcess(config);
    expect((await client(second.url).messages.create(ask)).type).toBe('message');
    await expect(client(second.url).messages.create({ ...ask, model: 'claude-opus-4-1' })).rejects.toBeInstanceOf(
      Anthropic.PermissionDeniedError,
    );
    const shown = await adminCall(second, adminToken, 'GET', '/admin/keys/kept');
    expect(shown.body).toMatchObject({
      source: 'store',
      models: ['claude-haiku-*'],
      limits: { tokensPerMinute: 100_000 },
    });
    expect(shown.body.usage).toBeUndefined();

    expect((await adminCall(second, adminToken, 'DELETE', '/admin/keys/kept')).status).toBe(200);
    await expect(client(second.url).messages.create(ask)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(readFileSync(stateFile, 'utf8')).not.toContain(hashClientKey(key));
  });
});
