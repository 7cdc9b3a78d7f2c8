import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';
import { accountStats, streamWithSdk, upstreamOutcomeCount } from './stream-client.js';

// The relay runs on its defaults: these are the budgets the tests hold it to.
const defaults = configSchema.parse({}).upstream.stream;
const slackMs = 5_000;
const adminToken = 'admin-token-for-the-stream-tests';
const keys = { a: 'sk-ant-stream-account-a-0001', b: 'sk-ant-stream-account-b-0002' };
const accountOfKey: Record<string, string> = { [keys.a]: 'a', [keys.b]: 'b' };

describe('streams that fail over in time and never end as a silent success', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  const servedBy = () =>
    mock.received
      .filter((request) => request.path === '/v1/messages')
      .map((request) => accountOfKey[request.apiKey ?? '']);

  beforeAll(async () => {
    // Events a few ms apart, as the API sends them: a fault after the first event falls after the commit.
    mock = await createMockAnthropic({ deltas: 8, eventDelayMs: 5 });
  });
  beforeEach(async () => {
    mock.clearFaults();
    mock.clearReceived();
    // Account a is tried first (priority), b is the healthy one behind it.
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [
        { id: 'a', apiKey: keys.a, priority: 0 },
        { id: 'b', apiKey: keys.b, priority: 1 },
      ],
      admin: { token: adminToken },
    });
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await mock.close();
  });

  const timeout = defaults.firstEventTimeoutMs + 2 * slackMs;

  it(
    'answers from the next account within firstEventTimeoutMs when the first never answers',
    async () => {
      mock.fault({ kind: 'stall' }, { apiKey: keys.a, path: '/v1/messages' });
      const observed = await streamWithSdk(relay);
      expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
      expect(observed.ms).toBeLessThan(defaults.firstEventTimeoutMs + slackMs);
      expect(servedBy()).toEqual(['a', 'b']);
      expect(await upstreamOutcomeCount(relay, 'first_event_timeout')).toBe(1);
    },
    timeout,
  );

  it(
    'moves to the next account when the head comes at once but the first event does not',
    async () => {
      mock.fault({ kind: 'slow-first-event', delayMs: 120_000 }, { apiKey: keys.a, path: '/v1/messages' });
      const observed = await streamWithSdk(relay);
      expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
      expect(observed.ms).toBeLessThan(defaults.firstEventTimeoutMs + slackMs);
      expect(servedBy()).toEqual(['a', 'b']);
    },
    timeout,
  );

  it('moves to the next account when the first event is an error event', async () => {
    mock.fault({ kind: 'stream-error', afterEvents: 0 }, { apiKey: keys.a });
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
    expect(servedBy()).toEqual(['a', 'b']);
  });

  it('moves to the next account when the first event is malformed', async () => {
    mock.fault({ kind: 'malformed-event', afterEvents: 0 }, { apiKey: keys.a });
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'message' && observed.message.stop_reason).toBe('end_turn');
    expect(servedBy()).toEqual(['a', 'b']);
  });

  it('ends a stream closed without message_stop with an error event: an APIError, recorded as truncated', async () => {
    mock.fault({ kind: 'truncate', afterEvents: 5 }, { apiKey: keys.a });
    const observed = await streamWithSdk(relay);
    expect(observed.kind).toBe('error');
    expect(observed.kind === 'error' && observed.error).toBeInstanceOf(Anthropic.APIError);
    expect(String((observed as { error: Error }).error.message)).toMatch(/ended the stream before message_stop/);
    expect(await upstreamOutcomeCount(relay, 'truncated')).toBe(1);
    expect((await accountStats(relay, adminToken)).a?.failures).toBe(1);
  });

  it('never forwards a malformed event mid-stream: an APIError instead of a parse failure', async () => {
    mock.fault({ kind: 'malformed-event', afterEvents: 5 }, { apiKey: keys.a });
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'error' && observed.error).toBeInstanceOf(Anthropic.APIError);
    expect(String((observed as { error: Error }).error.message)).toMatch(/could not read/);
    expect(await upstreamOutcomeCount(relay, 'truncated')).toBe(1);
  });

  it('a malformed usage event (message_delta with data: null) ends with a clear error, never an empty reply', async () => {
    mock.fault(
      { kind: 'malformed-event', afterEvents: 7, data: 'event: message_delta\ndata: null\n\n' },
      { apiKey: keys.a },
    );
    const response = await postMessage(relay, { stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('event: content_block_delta');
    expect(text).not.toContain('data: null');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\n.*could not read/);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('passes an error event mid-stream on as an APIError and counts it against the account', async () => {
    mock.fault({ kind: 'stream-error', afterEvents: 4 }, { apiKey: keys.a });
    const observed = await streamWithSdk(relay);
    expect(observed.kind === 'error' && observed.error).toBeInstanceOf(Anthropic.APIError);
    expect((observed as { error: InstanceType<typeof Anthropic.APIError> }).error.type).toBe('overloaded_error');
    expect((await accountStats(relay, adminToken)).a?.failures).toBe(1);
  });

  it('never forwards content-length on an event stream, so a cut stream still ends at the client', async () => {
    mock.fault(
      { kind: 'reset-mid-stream', afterEvents: 5, headers: { 'content-length': '100000' } },
      { apiKey: keys.a },
    );
    const response = await postMessage(relay, { stream: true });
    expect(response.headers.get('content-length')).toBeNull();
    const text = await response.text();
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\n.*connection was lost/);
  });
});
