import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';
import { accountStats, streamWithSdk } from './stream-client.js';

const adminToken = 'admin-token-for-the-verdict-tests';
const keys = { a: 'sk-ant-verdict-account-a-0001', b: 'sk-ant-verdict-account-b-0002' };
const accountOfKey: Record<string, string> = { [keys.a]: 'a', [keys.b]: 'b' };
const request = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('whose fault an upstream error is: the request’s, or the account’s', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  let client: Anthropic;
  const messagesServedBy = () =>
    mock.received
      .filter((received) => received.path === '/v1/messages')
      .map((received) => accountOfKey[received.apiKey ?? '']);

  async function start(apiKeys?: string[]) {
    await mock?.close();
    mock = await createMockAnthropic({ deltas: 4, ...(apiKeys ? { apiKeys } : {}) });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [
        { id: 'a', apiKey: keys.a, priority: 0 },
        { id: 'b', apiKey: keys.b, priority: 1 },
      ],
      admin: { token: adminToken },
    });
    client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
  }

  beforeAll(async () => {
    mock = await createMockAnthropic();
  });
  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('passes a 400 to the client after one attempt, never replayed on another account', async () => {
    mock.fault({ kind: 'status', status: 400, message: 'messages: bad' }, { times: 2 });
    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    expect(messagesServedBy()).toEqual(['a']);
    expect((await accountStats(relay, adminToken)).a?.coolingDownForMs).toBe(0);
  });

  it('moves a 408 (the upstream timed the request out) to another account', async () => {
    mock.fault({ kind: 'status', status: 408, errorType: 'api_error' }, { apiKey: keys.a });
    const message = await client.messages.create(request);
    expect(message.type).toBe('message');
    expect(messagesServedBy()).toEqual(['a', 'b']);
  });

  it('passes a 403 permission_error to the client: not replayed, nothing disabled', async () => {
    mock.fault({ kind: 'status', status: 403, message: 'model: not allowed' }, { times: 3 });
    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(messagesServedBy()).toEqual(['a']);
    const stats = await accountStats(relay, adminToken);
    expect(stats.a?.disabled).toBe(false);
    expect(stats.b?.disabled).toBe(false);
    // Were the request replayed, the fault would have been used on every account; the next request is served by a.
    mock.clearFaults();
    expect((await client.messages.create(request)).type).toBe('message');
    expect(messagesServedBy()).toEqual(['a', 'a']);
  });

  it('does not disable an account for a 401 that a probe of its credential does not confirm', async () => {
    mock.fault(
      { kind: 'status', status: 401, errorType: 'authentication_error' },
      { apiKey: keys.a, path: '/v1/messages', times: 1 },
    );
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
    expect(messagesServedBy()).toEqual(['a', 'b']);
    await relay.waitForOutput(/a 401 was not confirmed by the probe/);
    const probe = mock.received.find((received) => received.path === '/v1/models');
    expect(probe?.apiKey).toBe(keys.a);
    expect((await accountStats(relay, adminToken)).a?.disabled).toBe(false);
  });

  it('disables an account only once the probe confirms its credential is rejected', async () => {
    await stopAllRelays();
    await start([keys.b]);
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
    await relay.waitForOutput(/account disabled: the probe confirmed/);
    const probe = mock.received.find((received) => received.path === '/v1/models');
    expect(probe?.apiKey).toBe(keys.a);
    expect((await accountStats(relay, adminToken)).a?.disabled).toMatch(/confirmed by a probe/);
    mock.clearReceived();
    expect((await client.messages.create(request)).type).toBe('message');
    expect(messagesServedBy()).toEqual(['b']);
  });
});
