import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey, hashClientKey } from '../src/auth/client-key.js';
import { adminCall, createKey } from './admin-keys-client.js';
import { messageRequest } from './api-client.js';
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
    // GET /admin/keys/:id shows the key's use of each of its limits.
    expect(shown.body.usage).toEqual([{ limit: 'tokens-per-minute', max: 100_000, used: expect.any(Number) }]);

    expect((await adminCall(second, adminToken, 'DELETE', '/admin/keys/kept')).status).toBe(200);
    await expect(client(second.url).messages.create(ask)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(readFileSync(stateFile, 'utf8')).not.toContain(hashClientKey(key));
  });

  it('a config key reloaded (SIGHUP) over a stored one wins; removed again, the stored key is back', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'relay-keys-sighup-')), 'state.json');
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      state: { file: stateFile },
      accounts: [{ id: 'a', apiKey: 'sk-ant-memory-keys-account-0' }],
    });
    const stored = await createKey(relay, adminToken, { id: 'team' });
    const status = async (key: string) =>
      (await fetch(`${relay.url}/v1/messages`, messageRequest(key, { body: { model: 'claude-haiku-4-5' } }))).status;
    expect(await status(stored)).toBe(200);

    const reload = async (clients: unknown[]) => {
      const config = JSON.parse(readFileSync(relay.configFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(relay.configFile, JSON.stringify({ ...config, clients }, null, 2));
      const before = relay.output.length;
      relay.child.kill('SIGHUP');
      await waitFor(() => relay.output.slice(before).some((line) => line.includes('"msg":"config reloaded"')));
    };
    const configured = generateClientKey();
    await reload([
      { id: 'e2e-client', key: relay.clientKey },
      { id: 'team', key: configured },
    ]);
    expect(await status(configured)).toBe(200);
    expect(await status(stored)).toBe(401);
    expect((await adminCall(relay, adminToken, 'GET', '/admin/keys/team')).body.source).toBe('config');

    await reload([{ id: 'e2e-client', key: relay.clientKey }]);
    expect(await status(configured)).toBe(401);
    expect(await status(stored)).toBe(200);
    expect((await adminCall(relay, adminToken, 'GET', '/admin/keys/team')).body.source).toBe('store');
  });
});
