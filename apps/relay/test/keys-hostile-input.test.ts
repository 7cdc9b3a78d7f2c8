import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { StateFile } from '../src/auth/state-file.js';
import { type RelayProcess, startRelayProcess } from './relay-process.js';

const request = { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

/** Posts a Messages request with `key`; resolves to the status and the error type, if any. */
async function ask(relay: RelayProcess, key: string, model: string): Promise<{ status: number; type?: string }> {
  const response = await fetch(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...request, model }),
  });
  const body = (await response.json()) as { error?: { type: string } };
  return { status: response.status, ...(body.error ? { type: body.error.type } : {}) };
}

describe('client keys against hostile input', { timeout: 60_000 }, () => {
  let mock: MockAnthropic;
  const relays: RelayProcess[] = [];

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterEach(async () => {
    // SIGKILL: a relay whose event loop is stuck would not act on SIGTERM.
    await Promise.all(relays.splice(0).map(async (relay) => relay.stop('SIGKILL')));
  });
  afterAll(async () => {
    await mock.close();
  });

  it('a long model name against a key with several `*` in a pattern gets its 403 and stalls no other client', async () => {
    const [limited, other] = [generateClientKey(), generateClientKey()];
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'a', apiKey: 'sk-ant-hostile-model-0000' }],
      clients: [
        { id: 'limited', key: limited, models: ['*sonnet*4*'] },
        { id: 'other', key: other },
      ],
    });
    relays.push(relay);
    // 1.2 MB of "sonnet" with no "4": a backtracking matcher tries every pair of positions (minutes of CPU).
    const hostile = ask(relay, limited, 'sonnet'.repeat(200_000));
    const meanwhile = ask(relay, other, 'claude-sonnet-4-6');
    expect(await hostile).toEqual({ status: 403, type: 'permission_error' });
    expect(await meanwhile).toEqual({ status: 200 });
    expect(await ask(relay, limited, 'claude-sonnet-4-6')).toEqual({ status: 200 });
  });
});

describeWithRedis('a state-file key beside a Redis store', { timeout: 60_000 }, () => {
  let mock: MockAnthropic;
  let relay: RelayProcess | undefined;
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterAll(async () => {
    await relay?.stop('SIGKILL');
    await mock.close();
  });

  it('removed from the state file (relay keys revoke without an admin token), it is refused after a SIGHUP', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-state-key-')), 'state.json');
    const stateFile = new StateFile(file);
    const { key } = stateFile.createClientKey('laptop');
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'a', apiKey: 'sk-ant-state-key-0000' }],
      sessions: { store: 'hybrid', redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('state-key') },
      state: { file },
    });
    expect(await ask(relay, key, 'claude-sonnet-4-6')).toEqual({ status: 200 });
    // What `relay keys revoke laptop` does on the state file, and what the 409 of the admin API tells one to do.
    stateFile.updateClientKeys((clients) => clients.filter((client) => client.id !== 'laptop'));
    relay.child.kill('SIGHUP');
    await relay.waitForOutput(/"msg":"config reloaded"/);
    expect(await ask(relay, key, 'claude-sonnet-4-6')).toEqual({ status: 401, type: 'authentication_error' });
    expect(await ask(relay, relay.clientKey, 'claude-sonnet-4-6')).toEqual({ status: 200 });
  });
});

describe('the state file lock after a crash', { timeout: 60_000 }, () => {
  let relay: RelayProcess | undefined;
  afterAll(async () => {
    await relay?.stop('SIGKILL');
  });

  it('a restart right after a process died holding the lock starts, and takes the lock over', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-stale-lock-'));
    const file = join(directory, 'state.json');
    // A process of this machine that no longer runs, and the fresh lock it left (the lock names its holder).
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    writeFileSync(`${file}.lock`, `${hostname()} ${dead.pid}`, { mode: 0o600 });
    // No client configured: the first start creates a key in the state file, under the lock.
    relay = await startRelayProcess({
      accounts: [{ id: 'a', apiKey: 'sk-ant-stale-lock-0000' }],
      clients: [],
      state: { file },
    });
    expect(relay.output.join('\n')).toContain('no client key was configured, so one was created');
    expect(new StateFile(file).read()).toHaveLength(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
