import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createMockAnthropic, expectedText, type MockAnthropic, parseServerSentEvents } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { messageRequest } from './api-client.js';
import { pidsThatLogged, type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-for-the-reload-tests';
const upstreamKeys = { a: 'sk-ant-reload-account-a-0001', b: 'sk-ant-reload-account-b-0002' };
const accountOfKey: Record<string, string> = { [upstreamKeys.a]: 'a', [upstreamKeys.b]: 'b' };
// Long, slow streams (about 70 events 40 ms apart: ~3 s each), so that the reload lands in the middle of them.
const streamShape = { deltas: 64, eventDelayMs: 40 };
const streamCount = 20;

interface StreamResult {
  status: number;
  events: string[];
  text: string;
  error?: string;
  /** Date.now() when it ended. */
  endedAt: number;
}

/** A stream through the relay: `started` once its first event arrived, `finished` with everything it received. */
function openStream(relayUrl: string, clientKey: string): { started: Promise<void>; finished: Promise<StreamResult> } {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const finished = (async (): Promise<StreamResult> => {
    const result: StreamResult = { status: 0, events: [], text: '', endedAt: 0 };
    try {
      // Its own connection for each stream, as separate clients have (with --workers, spread over the workers).
      const dispatcher = new Agent();
      const response = await undiciFetch(`${relayUrl}/v1/messages`, {
        ...(messageRequest(clientKey, { stream: true }) as object),
        dispatcher,
      });
      result.status = response.status;
      if (response.body) {
        for await (const event of parseServerSentEvents(response.body)) {
          result.events.push(event.event);
          markStarted();
          if (event.event === 'content_block_delta') result.text += JSON.parse(event.data).delta.text;
        }
      }
      await dispatcher.close();
    } catch (error) {
      result.error = (error as Error).message;
    }
    result.endedAt = Date.now();
    markStarted();
    return result;
  })();
  return { started, finished };
}

/** One request on a connection of its own (with --workers, any worker may take it). */
async function requestOnNewConnection(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const dispatcher = new Agent();
  try {
    const response = await undiciFetch(url, { ...(init as object), dispatcher });
    return { status: response.status, body: await response.json() };
  } finally {
    await dispatcher.close();
  }
}

// A new session each time: a session stays on its account while that one is usable.
const sendMessage = (relay: RelayProcess, clientKey: string) =>
  requestOnNewConnection(`${relay.url}/v1/messages`, messageRequest(clientKey, { sessionId: randomUUID() }));

async function accountIds(relay: RelayProcess): Promise<string[]> {
  const { body } = await requestOnNewConnection(`${relay.url}/admin/accounts`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return (body as { data: Array<{ id: string }> }).data.map((account) => account.id);
}

/** Rewrites the relay's config file: `change` gets the config as the file holds it. */
function editConfig(relay: RelayProcess, change: (config: Record<string, unknown>) => void): void {
  const config = JSON.parse(readFileSync(relay.configFile, 'utf8')) as Record<string, unknown>;
  change(config);
  writeFileSync(relay.configFile, JSON.stringify(config, null, 2));
}

const accountsIn = (config: Record<string, unknown>) => config.accounts as Array<Record<string, unknown>>;

/** Every stream ran on past the reload (`reloadedAt`) and ended as the upstream sent it. */
function expectCompleteStreams(results: StreamResult[], reloadedAt: number): void {
  for (const result of results) {
    expect(result.endedAt).toBeGreaterThan(reloadedAt);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.events).not.toContain('error');
    expect(result.events.at(-1)).toBe('message_stop');
    expect(result.text).toBe(expectedText({ deltas: streamShape.deltas }));
  }
}

let mock: MockAnthropic;
const clientKeys = { alice: generateClientKey(), bob: generateClientKey() };
const servedBy = (since: number) =>
  mock.received
    .slice(since)
    .filter((request) => request.path === '/v1/messages')
    .map((request) => accountOfKey[request.apiKey ?? '']);

beforeAll(async () => {
  mock = await createMockAnthropic(streamShape);
});
beforeEach(() => {
  mock.clearReceived();
  mock.clearFaults();
});
afterEach(async () => {
  await stopAllRelays();
});
afterAll(async () => {
  await mock.close();
});

const startConfig = () => ({
  upstream: { baseUrl: mock.url },
  accounts: [{ id: 'a', apiKey: upstreamKeys.a }],
  clients: [
    { id: 'alice', key: clientKeys.alice, maxConcurrency: 256 },
    { id: 'bob', key: clientKeys.bob },
  ],
  admin: { token: adminToken },
});

/** Opens the streams and resolves once every one of them has its first event (all are mid-stream then). */
async function streamsUnderway(relay: RelayProcess) {
  const streams = Array.from({ length: streamCount }, () => openStream(relay.url, clientKeys.alice));
  await Promise.all(streams.map((stream) => stream.started));
  return streams;
}

describe('SIGHUP re-reads the config file (one process)', () => {
  it('adds an account while 20 streams run, none cut; new requests reach it; a removed client key is refused', async () => {
    const relay = await startRelayProcess(startConfig());
    const streams = await streamsUnderway(relay);

    editConfig(relay, (config) => {
      // Preferred by priority, so that every new session goes to it.
      accountsIn(config).push({ id: 'b', apiKey: upstreamKeys.b, priority: -1 });
      config.clients = (config.clients as Array<{ id: string }>).filter((client) => client.id !== 'bob');
    });
    const before = relay.output.length;
    relay.child.kill('SIGHUP');
    const summary = JSON.parse(await relay.waitForOutput(/"msg":"config reloaded"/)) as Record<string, unknown>;
    const reloadedAt = Date.now();
    expect(summary.accounts).toEqual({ added: ['b'], removed: [], changed: {} });
    expect(summary.clients).toEqual({ added: [], removed: ['bob'], changed: {} });
    const logged = relay.output.slice(before).join('\n');
    expect(logged).not.toContain(upstreamKeys.b);
    expect(logged).not.toContain(clientKeys.bob);

    // Streams that were mid-way when the reload happened all end as the upstream sent them.
    const results = await Promise.all(streams.map((stream) => stream.finished));
    expectCompleteStreams(results, reloadedAt);
    expect(servedBy(0)).toEqual(Array(streamCount).fill('a'));

    const afterStreams = mock.received.length;
    for (let index = 0; index < 3; index += 1) expect((await sendMessage(relay, clientKeys.alice)).status).toBe(200);
    expect(servedBy(afterStreams)).toEqual(['b', 'b', 'b']);
    expect(await accountIds(relay)).toEqual(['a', 'b']);

    const refused = await sendMessage(relay, clientKeys.bob);
    expect(refused.status).toBe(401);
    expect((refused.body as { error: { type: string } }).error.type).toBe('authentication_error');
    expect((await sendMessage(relay, clientKeys.alice)).status).toBe(200);
    expect(relay.child.exitCode).toBeNull();
  }, 60_000);

  it('refuses an invalid config as a whole, logs why, and keeps serving with the running one', async () => {
    const relay = await startRelayProcess(startConfig());
    const original = readFileSync(relay.configFile, 'utf8');

    // Not JSON: the loader's line and column, never the text around it (a secret sits next to the typo).
    writeFileSync(
      relay.configFile,
      original.replace('"accounts": [', `"accounts": [ {"id": "c", "apiKey": "${upstreamKeys.b}"} oops,`),
    );
    relay.child.kill('SIGHUP');
    const jsonRefusal = await relay.waitForOutput(/config reload refused/);
    expect(jsonRefusal).toMatch(/not valid JSON at line \d+, column \d+/);
    expect(jsonRefusal).not.toContain(upstreamKeys.b);
    expect(jsonRefusal).not.toContain('oops');

    // Valid JSON, one invalid field: nothing of the file is applied (not even its valid new account).
    writeFileSync(relay.configFile, original);
    editConfig(relay, (config) => {
      config.accounts = [
        { id: 'a', apiKey: upstreamKeys.a },
        { id: 'c', apiKey: upstreamKeys.b },
        { id: 'd', apiKey: upstreamKeys.b, priority: 'high' },
      ];
    });
    const before = relay.output.length;
    relay.child.kill('SIGHUP');
    await waitFor(() => relay.output.slice(before).some((line) => line.includes('config reload refused')), {
      timeoutMs: 15_000,
    });
    const fieldRefusal = relay.output.slice(before).find((line) => line.includes('config reload refused')) as string;
    expect(fieldRefusal).toContain('accounts[2].priority');
    expect(fieldRefusal).not.toContain(upstreamKeys.b);

    expect(relay.child.exitCode).toBeNull();
    expect(await accountIds(relay)).toEqual(['a']);
    const served = mock.received.length;
    expect((await sendMessage(relay, clientKeys.bob)).status).toBe(200);
    expect(servedBy(served)).toEqual(['a']);
    expect(relay.output.join('\n')).not.toContain('"msg":"config reloaded"');
  }, 60_000);

  it('logs the fields that need a restart by name and applies only the accounts and clients', async () => {
    const relay = await startRelayProcess(startConfig());
    editConfig(relay, (config) => {
      config.upstream = { ...(config.upstream as object), baseUrl: 'http://127.0.0.1:9', connectTimeoutMs: 1234 };
      config.limits = { bodyBytes: 1024 };
      Object.assign(accountsIn(config)[0] as object, { maxConcurrency: 7 });
    });
    relay.child.kill('SIGHUP');
    const restartLine = JSON.parse(await relay.waitForOutput(/need a restart/)) as { fields: string[] };
    expect(restartLine.fields).toEqual(['upstream.baseUrl', 'upstream.connectTimeoutMs', 'limits.bodyBytes']);
    const summary = JSON.parse(await relay.waitForOutput(/"msg":"config reloaded"/)) as Record<string, unknown>;
    expect(summary.accounts).toEqual({ added: [], removed: [], changed: { a: ['maxConcurrency'] } });

    // The upstream is still the one the relay started with.
    const served = mock.received.length;
    expect((await sendMessage(relay, clientKeys.alice)).status).toBe(200);
    expect(servedBy(served)).toEqual(['a']);
    const { body } = await requestOnNewConnection(`${relay.url}/admin/accounts`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect((body as { data: Array<{ maxConcurrency: number }> }).data[0]?.maxConcurrency).toBe(7);
  }, 60_000);
});

describe('SIGHUP and OAuth accounts', () => {
  const oauthUpstream = () => ({
    baseUrl: mock.url,
    oauth: { tokenUrl: `${mock.url}/v1/oauth/token`, refreshMarginMs: 60_000 },
  });
  const accountView = async (relay: RelayProcess, id: string) => {
    const { body } = await requestOnNewConnection(`${relay.url}/admin/accounts`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    return (body as { data: Array<{ id: string; disabled: string | false }> }).data.find(
      (account) => account.id === id,
    );
  };

  it('starts the refresher of an OAuth account added by a reload: its requests carry the refreshed token', async () => {
    const relay = await startRelayProcess({ ...startConfig(), upstream: oauthUpstream() });
    // Due for a refresh at once (it expires within the refresh margin).
    const login = mock.oauth.issue(30);
    const refreshesBefore = mock.oauth.refreshes;
    editConfig(relay, (config) => {
      accountsIn(config).push({ id: 'o', oauth: login, priority: -1 });
    });
    relay.child.kill('SIGHUP');
    await relay.waitForOutput(/"msg":"config reloaded"/);
    await waitFor(() => mock.oauth.refreshes === refreshesBefore + 1, { timeoutMs: 15_000 });
    await relay.waitForOutput(/"msg":"OAuth access token in use"/);
    const served = mock.received.length;
    expect((await sendMessage(relay, clientKeys.alice)).status).toBe(200);
    const sent = mock.received.slice(served).find((request) => request.path === '/v1/messages')?.apiKey ?? '';
    expect(sent).not.toBe(login.accessToken);
    expect(mock.oauth.isValidAccessToken(sent)).toBe(true);
    expect(relay.output.join('\n')).not.toContain(login.refreshToken);
  }, 60_000);

  it('takes a new OAuth login from the config for an account disabled by a dead refresh token', async () => {
    const deadLogin = mock.oauth.issue(2);
    mock.oauth.revokeRefreshToken(deadLogin.refreshToken);
    const relay = await startRelayProcess({
      ...startConfig(),
      upstream: oauthUpstream(),
      accounts: [
        { id: 'a', apiKey: upstreamKeys.a },
        { id: 'o', oauth: deadLogin, priority: -1 },
      ],
    });
    await waitFor(async () => Boolean((await accountView(relay, 'o'))?.disabled), { timeoutMs: 15_000 });

    const relogin = mock.oauth.issue(3600);
    editConfig(relay, (config) => {
      Object.assign(accountsIn(config)[1] as object, { oauth: relogin });
    });
    relay.child.kill('SIGHUP');
    const summary = JSON.parse(await relay.waitForOutput(/"msg":"config reloaded"/)) as { accounts: unknown };
    expect(summary.accounts).toEqual({ added: [], removed: [], changed: { o: ['oauth'] } });
    expect((await accountView(relay, 'o'))?.disabled).toBe(false);
    const served = mock.received.length;
    expect((await sendMessage(relay, clientKeys.alice)).status).toBe(200);
    expect(mock.received.slice(served).map((request) => request.apiKey)).toEqual([relogin.accessToken]);
  }, 60_000);
});

describeWithRedis('SIGHUP re-reads the config file (--workers 2, hybrid store on Redis)', () => {
  it('passes SIGHUP to every worker: 20 streams run on, every new connection sees the new account', async () => {
    const relay = await startRelayProcess(
      {
        ...startConfig(),
        sessions: { store: 'hybrid', redisUrl: testRedisUrl(), keyPrefix: uniqueKeyPrefix('reload-workers') },
      },
      { args: ['--workers', '2'] },
    );
    const workers = await pidsThatLogged(relay, 'relay listening', 2);
    const streams = await streamsUnderway(relay);

    editConfig(relay, (config) => {
      accountsIn(config).push({ id: 'b', apiKey: upstreamKeys.b, priority: -1 });
      config.clients = (config.clients as Array<{ id: string }>).filter((client) => client.id !== 'bob');
    });
    let since = relay.output.length;
    relay.child.kill('SIGHUP');
    expect((await pidsThatLogged(relay, 'config reloaded', 2, { since })).sort()).toEqual([...workers].sort());
    const reloadedAt = Date.now();

    const results = await Promise.all(streams.map((stream) => stream.finished));
    expectCompleteStreams(results, reloadedAt);
    expect(servedBy(0)).toEqual(Array(streamCount).fill('a'));

    const afterStreams = mock.received.length;
    const logSince = relay.output.length;
    const answers = await Promise.all(Array.from({ length: 12 }, () => sendMessage(relay, clientKeys.alice)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(servedBy(afterStreams)).toEqual(Array(12).fill('b'));
    // Both workers answered some of them.
    expect((await pidsThatLogged(relay, 'request completed', 2, { since: logSince })).sort()).toEqual(
      [...workers].sort(),
    );
    for (let index = 0; index < 6; index += 1) {
      expect(await accountIds(relay)).toEqual(['a', 'b']);
      expect((await sendMessage(relay, clientKeys.bob)).status).toBe(401);
    }

    // A worker that gets SIGHUP itself reloads too (the primary re-reads the file for it).
    editConfig(relay, (config) => {
      config.accounts = accountsIn(config).filter((account) => account.id !== 'b');
    });
    since = relay.output.length;
    const [first] = workers as [number];
    process.kill(first, 'SIGHUP');
    expect(await pidsThatLogged(relay, 'config reloaded', 1, { since })).toEqual([first]);
    const line = relay.output.slice(since).find((logged) => logged.includes('"msg":"config reloaded"')) as string;
    expect((JSON.parse(line) as { accounts: unknown }).accounts).toEqual({ added: [], removed: ['b'], changed: {} });
    expect(relay.child.exitCode).toBeNull();
    expect(await relay.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
