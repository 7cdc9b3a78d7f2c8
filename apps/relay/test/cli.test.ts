import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic } from '@relay/mock-anthropic';
import { afterEach, describe, expect, it } from 'vitest';
import { messageRequest } from './api-client.js';
import { runRelayCli } from './relay-cli.js';
import { startRelayProcess, stopAllRelays } from './relay-process.js';

const runCli = (args: string[], cwd: string) => runRelayCli(args, { cwd });

afterEach(async () => {
  await stopAllRelays();
});

describe('relay command line', () => {
  it('on a first start creates a client key, prints it once, keeps only its hash; --demo answers the first curl', async () => {
    const relay = await startRelayProcess({ clients: [] }, { args: ['--demo'] });
    const printed = relay.output.join('\n').match(/relay_[A-Za-z0-9_-]{43}/)?.[0];
    expect(printed).toBeDefined();
    const state = readFileSync(join(relay.configFile, '..', 'state.json'), 'utf8');
    expect(state).not.toContain(printed);
    expect(JSON.parse(state).clients).toHaveLength(1);

    const response = await fetch(`${relay.url}/v1/messages`, messageRequest(printed as string));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
    expect(relay.output.filter((line) => line.includes(printed as string))).toHaveLength(1);
  });

  it('creates more keys with "relay keys create", each usable after a restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-keys-'));
    writeFileSync(join(directory, 'relay.json'), JSON.stringify({ state: { file: join(directory, 'state.json') } }));
    const created = await runCli(
      ['keys', 'create', '--id', 'ci', '--config', join(directory, 'relay.json')],
      directory,
    );
    expect(created.code).toBe(0);
    const key = created.stdout.match(/relay_[A-Za-z0-9_-]{43}/)?.[0] as string;
    expect(created.stdout).toContain('"ci"');

    const relay = await startRelayProcess(
      { clients: [], state: { file: join(directory, 'state.json') } },
      { args: ['--demo'] },
    );
    expect(relay.output.join('\n')).not.toContain('no client key was configured');
    expect((await fetch(`${relay.url}/v1/messages`, messageRequest(key))).status).toBe(200);
  });

  it('imports an OAuth account from Claude Code\'s credentials with "relay accounts import", then serves with it', async () => {
    const mock = await createMockAnthropic();
    try {
      const login = mock.oauth.issue();
      const directory = mkdtempSync(join(tmpdir(), 'relay-import-'));
      const configFile = join(directory, 'relay.json');
      const credentialsFile = join(directory, '.credentials.json');
      writeFileSync(configFile, JSON.stringify({ upstream: { baseUrl: mock.url } }));
      writeFileSync(credentialsFile, JSON.stringify({ claudeAiOauth: { ...login, scopes: ['user:inference'] } }));
      const imported = await runCli(
        ['accounts', 'import', '--claude-credentials', credentialsFile, '--id', 'max-1', '--config', configFile],
        directory,
      );
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('added OAuth account "max-1"');
      expect(imported.stdout + imported.stderr).not.toContain(login.refreshToken);
      const config = JSON.parse(readFileSync(configFile, 'utf8'));
      const relay = await startRelayProcess({ ...config, state: { file: join(directory, 'state.json') } });
      expect((await fetch(`${relay.url}/v1/messages`, messageRequest(relay.clientKey))).status).toBe(200);
      expect(mock.received.at(-1)?.apiKey).toBe(login.accessToken);
    } finally {
      await mock.close();
    }
  });

  it('exits 1 naming the field of an invalid config', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-bad-config-'));
    writeFileSync(join(directory, 'relay.json'), JSON.stringify({ sessions: { store: 'postgres' } }));
    const result = await runCli(['--config', join(directory, 'relay.json')], directory);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sessions.store');
    const unknownFlag = await runCli(['--frobnicate'], directory);
    expect(unknownFlag.code).toBe(1);
  });

  it('starts without an upstream account, and says what is missing on /readyz and /v1/*', async () => {
    const relay = await startRelayProcess({});
    const readiness = await fetch(`${relay.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(JSON.stringify(await readiness.json())).toContain('ANTHROPIC_API_KEY');
    const response = await fetch(`${relay.url}/v1/messages`, messageRequest(relay.clientKey));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('accounts[]');
  });

  it('runs --workers 2 processes on one port and stops them all on SIGTERM', async () => {
    const relay = await startRelayProcess({}, { args: ['--demo', '--workers', '2'] });
    // Both workers must listen before the requests go: connections opened earlier all belong to the first.
    const listening = new Set<number>();
    const deadline = Date.now() + 30_000;
    while (listening.size < 2 && Date.now() < deadline) {
      for (const line of relay.output) {
        if (line.includes('"msg":"relay listening"')) listening.add((JSON.parse(line) as { pid: number }).pid);
      }
      await sleep(50);
    }
    expect(listening.size).toBe(2);
    const pids = new Set<number>();
    while (pids.size < 2 && Date.now() < deadline) {
      // A fresh connection per request (no keep-alive pool), so the cluster spreads them across workers.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          expect(await postOnFreshConnection(relay.url, relay.clientKey)).toBe(200);
        }),
      );
      for (const line of relay.output) {
        if (line.includes('"msg":"request completed"')) pids.add((JSON.parse(line) as { pid: number }).pid);
      }
    }
    expect(pids).toEqual(listening);
    expect(await relay.stop('SIGTERM')).toBe(0);
  }, 60_000);
});

/** POSTs a small Messages request on a connection of its own, closed after the answer; resolves with the status. */
function postOnFreshConnection(url: string, clientKey: string): Promise<number> {
  const init = messageRequest(clientKey);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${url}/v1/messages`,
      { method: 'POST', agent: false, headers: init.headers as Record<string, string> },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode as number));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body as string);
  });
}
