import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StateFile } from '../src/auth/state-file.js';
import { messageRequest } from './api-client.js';
import { runRelayCli } from './relay-cli.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const runCli = (args: string[], environment: Record<string, string> = {}) => runRelayCli(args, { environment });
const adminToken = 'admin-token-for-the-keys-cli-test';
const keyPattern = /relay_[A-Za-z0-9_-]{43}/;

const statusWith = async (relay: RelayProcess, key: string, model = 'claude-sonnet-4-6') =>
  (await fetch(`${relay.url}/v1/messages`, messageRequest(key, { body: { model } }))).status;

describe('relay keys create | list | revoke', { timeout: 60_000 }, () => {
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterEach(async () => stopAllRelays());
  afterAll(async () => mock.close());

  const startRelay = async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-keys-cli-'));
    const stateFile = join(directory, 'state.json');
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      state: { file: stateFile },
      accounts: [{ id: 'a', apiKey: 'sk-ant-keys-cli-account-000' }],
    });
    return { relay, stateFile, directory };
  };

  it('creates a key with limits, models and expiry through the admin API, lists it, revokes it', async () => {
    const { relay } = await startRelay();
    const created = await runCli(
      [
        'keys',
        'create',
        '--id',
        'ci',
        '--rpm',
        '60',
        '--budget',
        '20usd/day',
        '--budget',
        '0.5usd/5h',
        '--models',
        'claude-haiku-*,claude-sonnet-4-6',
        '--expires',
        '30d',
        '--user',
        'alice',
        '--url',
        relay.url,
      ],
      { RELAY_ADMIN_TOKEN: adminToken },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const key = created.stdout.match(keyPattern)?.[0] as string;
    expect(created.stdout).toContain('created client key "ci"');
    expect(created.stdout).toContain('60 rpm, $20/day, $0.5/5h');
    expect(await statusWith(relay, key)).toBe(200);
    expect(await statusWith(relay, key, 'claude-opus-4-1')).toBe(403);

    const listed = await runCli(['keys', 'list', '--url', relay.url, '--admin-token', adminToken]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+SOURCE\s+USER\s+MODELS\s+EXPIRES\s+LIMITS\s+LAST USED/);
    expect(listed.stdout).toMatch(/ci\s+store\s+alice\s+claude-haiku-\*,claude-sonnet-4-6\s+\d{4}-/);
    expect(listed.stdout).toMatch(/e2e-client\s+config/);
    expect(listed.stdout).not.toContain(key);
    const json = await runCli(['keys', 'list', '--json', '--url', relay.url, '--admin-token', adminToken]);
    expect(JSON.parse(json.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'ci', limits: expect.objectContaining({ requestsPerMinute: 60 }) }),
      ]),
    );

    const revoked = await runCli(['keys', 'revoke', 'ci', '--url', relay.url, '--admin-token', adminToken]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked client key "ci"');
    expect(await statusWith(relay, key)).toBe(401);

    const again = await runCli(['keys', 'revoke', 'ci', '--url', relay.url, '--admin-token', adminToken]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the relay answered 404: no client key named "ci"');
    const badInput = await runCli([
      'keys',
      'create',
      '--id',
      'x',
      '--budget',
      '20usd/year',
      '--admin-token',
      adminToken,
    ]);
    expect(badInput.code).toBe(1);
    expect(badInput.stderr).toContain('--budget "20usd/year"');
  });

  it('finds the relay from the config file, and says so when it is not running', async () => {
    const { relay, directory } = await startRelay();
    const port = Number(new URL(relay.url).port);
    const configFile = join(directory, 'cli.json');
    writeFileSync(configFile, JSON.stringify({ listen: { port }, admin: { token: adminToken } }));
    const created = await runCli(['keys', 'create', '--id', 'from-config', '--config', configFile]);
    expect(created.code).toBe(0);
    expect(await statusWith(relay, created.stdout.match(keyPattern)?.[0] as string)).toBe(200);

    await relay.stop();
    const down = await runCli(['keys', 'list', '--config', configFile]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the relay's admin API at http://127.0.0.1:${port}`);
  });

  it('without an admin token refuses what the admin API refuses, and writes nothing', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-keys-cli-invalid-'));
    const stateFile = join(directory, 'state.json');
    const configFile = join(directory, 'offline.json');
    writeFileSync(configFile, JSON.stringify({ state: { file: stateFile } }));
    for (const args of [
      ['--id', 'a b'],
      ['--id', 'x'.repeat(65)],
      ['--id', 'ok', '--models', 'claude sonnet'],
      ['--id', 'ok', '--user', 'u'.repeat(201)],
    ]) {
      const created = await runCli(['keys', 'create', ...args, '--config', configFile]);
      expect(created.code, created.stdout).toBe(1);
      expect(created.stderr).toMatch(/invalid key: (id|models\[0\]|userId):/);
      expect(created.stdout).not.toMatch(keyPattern);
    }
    expect(new StateFile(stateFile).read()).toEqual([]);
  });

  it('without an admin token writes the state file, which a running relay picks up; parallel runs lose no key', async () => {
    const { relay, stateFile, directory } = await startRelay();
    const configFile = join(directory, 'offline.json');
    writeFileSync(configFile, JSON.stringify({ state: { file: stateFile } }));
    const runs = await Promise.all(
      Array.from({ length: 4 }, async (_, index) =>
        runCli(['keys', 'create', '--id', `offline-${index}`, '--models', 'claude-*', '--config', configFile]),
      ),
    );
    expect(runs.map((run) => run.code)).toEqual(Array(4).fill(0));
    expect(
      new StateFile(stateFile)
        .read()
        .map((stored) => stored.id)
        .sort(),
    ).toEqual(Array.from({ length: 4 }, (_, index) => `offline-${index}`));
    const keys = runs.map((run) => run.stdout.match(keyPattern)?.[0] as string);
    for (const key of keys) await waitFor(async () => (await statusWith(relay, key)) === 200, { timeoutMs: 10_000 });

    const revoked = await runCli(['keys', 'revoke', 'offline-0', '--config', configFile]);
    expect(revoked.code).toBe(0);
    await waitFor(async () => (await statusWith(relay, keys[0] as string)) === 401, { timeoutMs: 10_000 });
    const listed = await runCli(['keys', 'list', '--config', configFile]);
    expect(listed.stdout).not.toMatch(/offline-0/);
    expect(listed.stdout).toMatch(/offline-1\s+store\s+-\s+claude-\*/);
  });
});
