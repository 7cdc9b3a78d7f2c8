import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { proxyCredentials, refusedPort, startSocksProxy, type TestServer } from '@relay/test-support/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey, hashClientKey } from '../../src/auth/client-key.js';
import { startRelayProcess, stopAllRelays } from '../relay-process.js';
import { sendMessage } from './support.js';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const adminToken = 'admin-token-SECRET-7f3a9c1e55';
const apiKey = 'sk-ant-api03-SECRET-account-key-0001';
const spareApiKey = 'sk-ant-api03-SECRET-account-key-0002';
const oauthToken = 'sk-ant-oat01-SECRET-oauth-token-0003';
const configuredClientKey = generateClientKey();
const wrongClientKey = 'relay_SECRET-a-mistyped-key-someone-else-owns';

/** Creates a client key with `relay keys create`, as an operator would; returns it and the state file. */
function createKeyWithCli(): { key: string; stateFile: string } {
  const directory = mkdtempSync(join(tmpdir(), 'relay-secrets-'));
  const stateFile = join(directory, 'state.json');
  const configFile = join(directory, 'relay.json');
  writeFileSync(configFile, JSON.stringify({ state: { file: stateFile } }));
  const created = spawnSync(process.execPath, [cliPath, 'keys', 'create', '--id', 'operator', '--config', configFile], {
    encoding: 'utf8',
  });
  expect(created.status).toBe(0);
  const key = /relay_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
  expect(key).toBeDefined();
  return { key: key as string, stateFile };
}

describe('secrets never leak', () => {
  let mock: MockAnthropic;
  let socksProxy: TestServer;

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 3 });
    socksProxy = await startSocksProxy({ auth: true });
  });
  afterAll(async () => {
    await stopAllRelays();
    await Promise.all([mock.close(), socksProxy.close()]);
  });

  it('client keys are kept only as SHA-256 hashes, in a file only the owner can read', () => {
    const { key, stateFile } = createKeyWithCli();
    const state = readFileSync(stateFile, 'utf8');
    expect(state).not.toContain(key);
    expect(state).not.toContain(key.slice('relay_'.length));
    expect(state).toContain(hashClientKey(key));
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('a config error names the field and never echoes the secret in it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-secrets-config-'));
    const invalid = [
      { admin: { token: 'SECRET-short' } },
      { clients: [{ id: 'c', key: 'SECRET-short' }] },
      { accounts: [{ id: 'a', apiKey: 'sk-ant-SECRET-1', proxy: 'ftp://user:SECRET-pass@127.0.0.1:1' }] },
      { accounts: [{ id: 'a', apiKey: 'sk-ant-SECRET-1', oauthToken: 'sk-ant-oat01-SECRET-2' }] },
    ];
    for (const [index, config] of invalid.entries()) {
      const configFile = join(directory, `relay-${index}.json`);
      writeFileSync(configFile, JSON.stringify(config));
      const run = spawnSync(process.execPath, [cliPath, '--config', configFile], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/relay: invalid config: (admin|clients|accounts)/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('SECRET');
    }
  });

  it('binds to loopback by default', async () => {
    const relay = await startRelayProcess({
      // Leave the host out: the relay's own default applies.
      listen: { host: undefined as unknown as string, port: 0 },
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'a', apiKey }],
    });
    const url = new URL(relay.url);
    expect(url.hostname).toBe('127.0.0.1');
    // Another address of this machine, if it has one, is not served.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect(Number(url.port), external.address);
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
    await relay.stop();
  });

  it('a full run at trace level: no secret in any log line, error message, metric label or stat', async () => {
    const { key: clientKey, stateFile } = createKeyWithCli();
    const credentials = `${proxyCredentials.username}:${proxyCredentials.password}`;
    const deadProxyPort = await refusedPort();
    const relay = await startRelayProcess(
      {
        upstream: { baseUrl: mock.url, warmup: true, warmupOrigins: [mock.url], connections: { min: 1, max: 10 } },
        accounts: [
          { id: 'direct', apiKey, priority: 0 },
          {
            id: 'oauth-via-socks',
            oauthToken,
            proxy: `socks5://${credentials}@127.0.0.1:${socksProxy.port}`,
            priority: 1,
          },
          {
            id: 'dead-proxy',
            apiKey: spareApiKey,
            proxy: `http://${credentials}@127.0.0.1:${deadProxyPort}`,
            priority: 2,
          },
        ],
        clients: [{ id: 'configured', key: configuredClientKey }],
        state: { file: stateFile },
        admin: { token: adminToken },
        logging: { level: 'trace' },
      },
      { clientKey },
    );
    const seen: string[] = [];
    const record = async (response: Response) => {
      seen.push(JSON.stringify([...response.headers]), await response.text());
      return response.status;
    };
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${relay.url}${path}`, { headers }).then(record);

    // Ordinary traffic from both clients, JSON and streams.
    for (const key of [clientKey, configuredClientKey]) {
      for (const stream of [false, true]) {
        const result = await sendMessage(relay, { sessionId: crypto.randomUUID(), stream, clientKey: key });
        expect(result.status).toBe(200);
        seen.push(result.text);
      }
    }
    // The upstream rejects the first account's key: it is disabled, the request moves to the OAuth account (via the
    // SOCKS proxy with credentials); then that one resets, and the last account's proxy is dead.
    mock.fault({ kind: 'status', status: 401 }, { apiKey });
    seen.push((await sendMessage(relay, { sessionId: crypto.randomUUID() })).text);
    // (The relay also probes the rejected credential with GET /v1/models before it disables the account.)
    const lastMessage = mock.received.filter((received) => received.path === '/v1/messages').at(-1);
    expect(lastMessage?.headers.authorization).toBe(`Bearer ${oauthToken}`);
    mock.fault({ kind: 'reset-before-headers' }, { apiKey: oauthToken });
    for (let index = 0; index < 4; index += 1) {
      seen.push((await sendMessage(relay, { sessionId: crypto.randomUUID(), stream: true })).text);
    }
    // Clients and admins getting things wrong.
    seen.push((await sendMessage(relay, { sessionId: crypto.randomUUID(), clientKey: wrongClientKey })).text);
    await get('/admin/stats', { authorization: `Bearer ${wrongClientKey}` });
    await get('/admin/stats', { authorization: `Bearer ${clientKey}` });
    // Everything an operator can read.
    expect(await get('/admin/stats', { authorization: `Bearer ${adminToken}` })).toBe(200);
    expect(await get('/admin/sessions?apiKeyId=operator', { authorization: `Bearer ${adminToken}` })).toBe(200);
    await get('/metrics');
    await get('/metrics', { accept: 'application/openmetrics-text; version=1.0.0' });
    await get('/readyz');
    await fetch(`${relay.url}/admin/accounts/direct/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    }).then(record);
    expect(await relay.stop('SIGTERM')).toBe(0);

    const secrets = {
      clientKey,
      configuredClientKey,
      wrongClientKey,
      apiKey,
      spareApiKey,
      oauthToken,
      adminToken,
      proxyPassword: proxyCredentials.password,
      proxyBasicAuth: Buffer.from(credentials).toString('base64'),
    };
    const everything = [...relay.output, ...seen];
    // The run did go through the paths where a secret could slip out.
    const logged = relay.output.join('\n');
    expect(logged).toContain('warm-up failed');
    expect(logged).toContain('upstream request failed');
    expect(logged).toContain('circuit opened');
    expect(seen.join('\n')).toContain('oauth-via-socks');
    const leaks = Object.entries(secrets).flatMap(([name, secret]) =>
      everything.filter((line) => line.includes(secret)).map((line) => `${name}: ${line.slice(0, 300)}`),
    );
    console.log(
      `[secrets] ${relay.output.length} log lines and ${seen.length} response heads and bodies searched for ` +
        `${Object.keys(secrets).length} secrets: ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
  }, 60_000);
});
