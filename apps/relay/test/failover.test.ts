import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const keys = { a: 'sk-ant-account-a-000000', b: 'sk-ant-account-b-000000', c: 'sk-ant-account-c-000000' };
const accountOfKey = Object.fromEntries(Object.entries(keys).map(([id, key]) => [key, id]));
function post(relay: RelayProcess, sessionId: string, body: Record<string, unknown> = {}, signal?: AbortSignal) {
  return postMessage(relay, { sessionId, body, ...(signal ? { signal } : {}) });
}

describe('affinity and failover across accounts', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  const servedBy = () => mock.received.map((request) => accountOfKey[request.apiKey ?? ''] ?? '?');

  beforeEach(async () => {
    await stopAllRelays();
    await mock?.close();
    mock = await createMockAnthropic({ deltas: 6 });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url, maxAttempts: 3 },
      accounts: [
        { id: 'a', apiKey: keys.a },
        { id: 'b', apiKey: keys.b },
        { id: 'c', apiKey: keys.c, priority: 5 },
      ],
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  it('keeps a session on its account, request after request', async () => {
    const sessionId = crypto.randomUUID();
    for (let index = 0; index < 4; index += 1) expect((await post(relay, sessionId)).status).toBe(200);
    expect(new Set(servedBy()).size).toBe(1);
  });

  for (const fault of [
    { kind: 'status', status: 429, retryAfterSeconds: 30 },
    { kind: 'overloaded' },
    { kind: 'reset-before-headers' },
  ] as const) {
    it(`moves a session to another account on ${fault.kind === 'status' ? '429' : fault.kind}, with no error for the client`, async () => {
      const sessionId = crypto.randomUUID();
      expect((await post(relay, sessionId)).status).toBe(200);
      const [first] = servedBy();
      const firstKey = keys[first as keyof typeof keys];
      mock.fault(fault, { apiKey: firstKey });

      const client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
      const message = await client.messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'again' }] },
        { headers: { 'x-claude-code-session-id': sessionId } },
      );
      expect(message.type).toBe('message');
      const [, failed, served] = servedBy();
      expect(failed).toBe(first);
      expect(served).not.toBe(first);

      // The affinity was rewritten: the session stays on its new account even once the old one is fine again.
      mock.clearFaults();
      expect((await post(relay, sessionId)).status).toBe(200);
      expect(servedBy().at(-1)).toBe(served);
    });
  }

  it('ends a stream that the upstream resets midway with an SSE error event', async () => {
    mock.fault({ kind: 'reset-mid-stream', afterEvents: 3 });
    const response = await post(relay, crypto.randomUUID(), { stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('event: message_start');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(
      /^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/,
    );
  });

  it('aborts the upstream request as soon as its client goes away', async () => {
    mock.fault({ kind: 'stall', afterEvents: 2 });
    const controller = new AbortController();
    const response = await post(relay, crypto.randomUUID(), { stream: true }, controller.signal);
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await expect.poll(() => mock.received.at(-1)?.aborted, { timeout: 5_000 }).toBe(true);
  });

  it('answers 503 overloaded_error with retry-after when every account is cooling down', async () => {
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 }, { times: 3 });
    const response = await post(relay, crypto.randomUUID());
    // Three accounts, three 429s: the last one is passed through as the upstream said it.
    expect(response.status).toBe(429);
    const next = await post(relay, crypto.randomUUID());
    expect(next.status).toBe(503);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(await next.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(next.headers.get('request-id')).toMatch(/^req_/);
  });
});
