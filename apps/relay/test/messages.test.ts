import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, expectedText, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-for-the-e2e-tests';
const upstreamKeys = { primary: 'sk-ant-upstream-primary-0001', oauth: 'sk-ant-oat-upstream-oauth-0002' };

describe('the relay with the official SDK as client and the mock as upstream', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 8, cacheReadInputTokens: 5, cacheCreationInputTokens: 3 });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'primary', apiKey: upstreamKeys.primary }],
      admin: { token: adminToken },
    });
    client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });
  beforeEach(() => {
    mock.clearFaults();
    mock.clearReceived();
  });

  it('relays a message: the text the upstream sent, and its usage', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: expectedText({ deltas: 8 }) }]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const [received] = mock.received;
    expect(received?.apiKey).toBe(upstreamKeys.primary);
    expect(JSON.stringify(received?.headers)).not.toContain(relay.clientKey);
  });

  it('streams a message event by event with the same text, and records its usage on the session', async () => {
    const sessionId = crypto.randomUUID();
    const stream = client.messages.stream(
      { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please' }] },
      { headers: { 'x-claude-code-session-id': sessionId } },
    );
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe(expectedText({ deltas: 8 }));
    expect(deltas.length).toBe(8);

    const sessions = await fetch(`${relay.url}/admin/sessions?apiKeyId=e2e-client`, {
      headers: { authorization: `Bearer ${adminToken}` },
    }).then((response) => response.json() as Promise<{ data: Array<Record<string, unknown>> }>);
    const session = sessions.data.find((candidate) => candidate.id === sessionId);
    expect(session).toMatchObject({
      accountId: 'primary',
      requestCount: 1,
      tokens: {
        input: final.usage.input_tokens,
        output: final.usage.output_tokens,
        cacheRead: 5,
        cacheCreation: 3,
      },
    });
  });

  it('forwards ?beta=true (as Claude Code sends it), anthropic-beta and anthropic-version unchanged', async () => {
    const response = await fetch(`${relay.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'x-api-key': relay.clientKey,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'b' }] }),
    });
    expect(response.status).toBe(200);
    const [received] = mock.received;
    expect(received?.query.get('beta')).toBe('true');
    expect(received?.headers['anthropic-beta']).toBe(
      'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    );
    expect(received?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('counts tokens and lists models through the relay', async () => {
    const count = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'How many tokens is this?' }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    expect(mock.received.map((request) => request.path)).toEqual(['/v1/messages/count_tokens', '/v1/models']);
  });

  it('gives the SDK its error classes: 401 from the relay, 400, 429 and 529 passed through from the upstream', async () => {
    const request = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user' as const, content: 'x' }] };
    const stranger = new Anthropic({ apiKey: 'relay_not-a-known-key', baseURL: relay.url, maxRetries: 0 });
    await expect(stranger.messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(mock.received).toHaveLength(0);

    mock.fault({ kind: 'status', status: 400, message: 'messages: bad' });
    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    // A retry-after of 2 s or less on the last account is waited out; a longer one is passed on.
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 5 });
    const rateLimited = await client.messages.create(request).catch((error: unknown) => error);
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((rateLimited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('5');
    // The only account is cooling down now: the relay itself says so, in the API's shape, with retry-after.
    const coolingDown = await client.messages.create(request).catch((error: unknown) => error);
    expect(coolingDown).toBeInstanceOf(Anthropic.InternalServerError);
    expect((coolingDown as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((coolingDown as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toBeTruthy();
  });

  it('answers HEAD / and GET / with 200, /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${relay.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${relay.url}/`)).status).toBe(200);
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_upstream_requests_total\{[^}]*account="primary"/);
  });
});

describe('an OAuth account', () => {
  it('is sent as a Bearer token with the oauth beta added to the client betas', async () => {
    const mock = await createMockAnthropic();
    try {
      const relay = await startRelayProcess({
        upstream: { baseUrl: mock.url },
        accounts: [{ id: 'oauth', oauthToken: upstreamKeys.oauth }],
      });
      const client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
      await client.messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
      );
      const [received] = mock.received;
      expect(received?.headers.authorization).toBe(`Bearer ${upstreamKeys.oauth}`);
      expect(received?.headers['x-api-key']).toBeUndefined();
      expect(received?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,oauth-2025-04-20');
    } finally {
      await stopAllRelays();
      await mock.close();
    }
  });
});
