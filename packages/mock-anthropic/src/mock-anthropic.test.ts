import { once } from 'node:events';
import { Agent, errors, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { apiHeaders, messageBody, postJson } from './__fixtures__/api-request.js';
import { InvalidFaultError, InvalidMockOptionError } from './errors.js';
import type { Fault } from './fault.js';
import { createMockAnthropic, type MockAnthropic } from './mock-anthropic.js';
import { expectedText } from './mock-text.js';
import { mockModels } from './model-catalog.js';
import type { MockAnthropicOptions } from './options.js';
import { parseServerSentEvents, parseServerSentEventText } from './server-sent-events.js';
import { estimateTokens } from './token-estimate.js';

const started: MockAnthropic[] = [];
const agents: Agent[] = [];

async function startMock(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const mock = await createMockAnthropic(options);
  started.push(mock);
  return mock;
}

/** A fresh connection pool per test, so that a reset in one test never breaks a keep-alive socket of another. */
function freshAgent(): Agent {
  const agent = new Agent();
  agents.push(agent);
  return agent;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
});

describe('POST /v1/messages', () => {
  it('answers a JSON message with usage derived from the body and realistic headers', async () => {
    const mock = await startMock({ deltas: 4 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['request-id']).toMatch(/^req_[0-9A-Za-z]{24}$/);
    expect(response.headers['anthropic-ratelimit-requests-limit']).toBe('4000');
    expect(response.headers['anthropic-ratelimit-requests-remaining']).toMatch(/^\d+$/);
    expect(response.headers['anthropic-ratelimit-tokens-reset']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const message = JSON.parse(response.text);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'Hello from the mock' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: estimateTokens(Buffer.byteLength(response.sent)),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: estimateTokens(Buffer.byteLength('Hello from the mock')),
      },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(expectedText({ deltas: 4 })).toBe('Hello from the mock');
  });

  it('streams message_start, content_block_start, ping, N text deltas, content_block_stop, message_delta, message_stop', async () => {
    const mock = await startMock({ deltas: 7, cacheReadInputTokens: 100, cacheCreationInputTokens: 20 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['request-id']).toMatch(/^req_/);
    const events = parseServerSentEventText(response.text);
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(7).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((event) => JSON.parse(event.data));
    for (const [index, event] of events.entries()) expect(data[index].type).toBe(event.event);
    expect(data[0].message.usage).toEqual({
      input_tokens: estimateTokens(Buffer.byteLength(response.sent)),
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 100,
      output_tokens: 1,
      service_tier: 'standard',
    });
    const text = data
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta.text)
      .join('');
    expect(text).toBe(expectedText({ deltas: 7 }));
    expect(data.at(-2).usage.output_tokens).toBe(estimateTokens(Buffer.byteLength(text)));
  });

  it('reports the usage option per request: its counts, and the cache writes with their 5m / 1h breakdown', async () => {
    const mock = await startMock({
      usage: ({ body }) =>
        body.model === 'claude-opus-4-6'
          ? {
              input_tokens: 11,
              output_tokens: 22,
              cache_read_input_tokens: 33,
              cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 5 },
            }
          : { cache_creation_input_tokens: 6 },
    });
    const json = JSON.parse(
      (await postJson(`${mock.url}/v1/messages`, messageBody({ model: 'claude-opus-4-6' }))).text,
    );
    const breakdown = {
      input_tokens: 11,
      cache_creation_input_tokens: 9,
      cache_read_input_tokens: 33,
      cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 5 },
      service_tier: 'standard',
    };
    expect(json.usage).toEqual({ ...breakdown, output_tokens: 22 });
    const stream = parseServerSentEventText(
      (await postJson(`${mock.url}/v1/messages`, messageBody({ model: 'claude-opus-4-6', stream: true }))).text,
    ).map((event) => JSON.parse(event.data));
    expect(stream[0].message.usage).toEqual({ ...breakdown, output_tokens: 1 });
    expect(stream.at(-2).usage).toEqual({ output_tokens: 22 });
    const other = JSON.parse((await postJson(`${mock.url}/v1/messages`, messageBody({ stream: false }))).text);
    expect(other.usage.cache_creation_input_tokens).toBe(6);
    expect(other.usage.cache_creation).toBeUndefined();
  });

  it.each([
    [{ usage: { input_tokens: -1 } }, 'usage.input_tokens'],
    [
      { usage: { cache_creation: { ephemeral_5m_input_tokens: 1.5, ephemeral_1h_input_tokens: 0 } } },
      'usage.cache_creation.ephemeral_5m_input_tokens',
    ],
    [{ usage: 'lots' }, 'usage'],
  ])('rejects a bad usage option %j naming %s', async (options, option) => {
    await expect(createMockAnthropic(options as MockAnthropicOptions)).rejects.toMatchObject({ option });
  });

  it('splits a fixed text into the configured number of deltas, and asks a text generator per request', async () => {
    const fixed = await startMock({ text: 'Bonjour à tous 👋', deltas: 5 });
    const fixedEvents = parseServerSentEventText(
      (await postJson(`${fixed.url}/v1/messages`, messageBody({ stream: true }))).text,
    );
    const pieces = fixedEvents
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => JSON.parse(event.data).delta.text);
    expect(pieces).toHaveLength(5);
    expect(pieces.join('')).toBe('Bonjour à tous 👋');

    const echo = await startMock({
      text: ({ body, apiKey }) => `echo ${apiKey}: ${(body.messages as { content: string }[])[0]?.content}`,
    });
    const response = await postJson(`${echo.url}/v1/messages`, messageBody(), { headers: apiHeaders('key-7') });
    expect(JSON.parse(response.text).content[0].text).toBe('echo key-7: Say hello.');
  });

  it('reports the model option instead of the requested model', async () => {
    const mock = await startMock({ model: 'claude-mock-1' });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(JSON.parse(response.text).model).toBe('claude-mock-1');
  });

  it('applies latency and per-event delays without changing what is sent', async () => {
    const mock = await startMock({ latencyMs: 30, eventDelayMs: 5, deltas: 3 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    const events = parseServerSentEventText(response.text);
    expect(events).toHaveLength(9);
    expect(events.at(-1)?.event).toBe('message_stop');
  });
});

describe('other routes', () => {
  it('counts tokens as the messages route estimates them', async () => {
    const mock = await startMock();
    const response = await postJson(`${mock.url}/v1/messages/count_tokens`, messageBody({ max_tokens: undefined }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ input_tokens: estimateTokens(Buffer.byteLength(response.sent)) });
  });

  it('lists models in pages with has_more, first_id and last_id, and gets one by id', async () => {
    const mock = await startMock();
    const get = async (path: string) => {
      const response = await request(`${mock.url}${path}`, { headers: apiHeaders() });
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };
    const first = await get('/v1/models?limit=3');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      data: mockModels.slice(0, 3),
      has_more: true,
      first_id: mockModels[0]?.id,
      last_id: mockModels[2]?.id,
    });
    const rest = await get(`/v1/models?limit=100&after_id=${mockModels[2]?.id}`);
    expect(rest.body).toMatchObject({ data: mockModels.slice(3), has_more: false });
    const before = await get(`/v1/models?before_id=${mockModels[2]?.id}`);
    expect(before.body).toMatchObject({ data: mockModels.slice(0, 2), has_more: false });
    expect((await get('/v1/models?limit=0')).status).toBe(400);
    expect((await get(`/v1/models/${mockModels[1]?.id}`)).body).toEqual(mockModels[1]);
    expect((await get('/v1/models/claude-unknown')).body).toMatchObject({ error: { type: 'not_found_error' } });
  });

  it('answers HEAD / with 200 and a request-id, without a key', async () => {
    const mock = await startMock();
    const response = await request(`${mock.url}/`, { method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['request-id']).toMatch(/^req_/);
    await response.body.dump();
  });
});

describe('API errors', () => {
  async function expectError(
    response: { status: number; headers: Record<string, unknown>; text: string },
    status: number,
    type: string,
    message?: string,
  ) {
    expect(response.status).toBe(status);
    const body = JSON.parse(response.text);
    expect(body).toEqual({
      type: 'error',
      error: { type, message: message ?? expect.any(String) },
      request_id: response.headers['request-id'],
    });
    expect(body.request_id).toMatch(/^req_/);
  }

  it('answers invalid JSON and invalid bodies with 400 invalid_request_error naming the field', async () => {
    const mock = await startMock();
    const url = `${mock.url}/v1/messages`;
    await expectError(await postJson(url, '{"model":'), 400, 'invalid_request_error');
    await expectError(
      await postJson(url, messageBody({ max_tokens: undefined })),
      400,
      'invalid_request_error',
      'max_tokens: Field required',
    );
    await expectError(
      await postJson(url, messageBody({ messages: 'hi' })),
      400,
      'invalid_request_error',
      'messages: Input should be a valid list',
    );
    await expectError(await postJson(url, [1, 2]), 400, 'invalid_request_error', 'Input should be a valid dictionary');
  });

  it('answers an unknown path with 404 not_found_error', async () => {
    const mock = await startMock();
    await expectError(
      await postJson(`${mock.url}/v1/completions-of-the-future`, messageBody()),
      404,
      'not_found_error',
    );
    await expectError(await postJson(`${mock.url}/nowhere`, messageBody()), 404, 'not_found_error');
  });

  it('answers 401 without a key or with a key outside apiKeys, and 400 without anthropic-version', async () => {
    const mock = await startMock({ apiKeys: ['good-key'] });
    const url = `${mock.url}/v1/messages`;
    const { 'x-api-key': _, ...withoutKey } = apiHeaders();
    await expectError(
      await postJson(url, messageBody(), { headers: withoutKey }),
      401,
      'authentication_error',
      'x-api-key header is required',
    );
    await expectError(
      await postJson(url, messageBody(), { headers: apiHeaders('bad-key') }),
      401,
      'authentication_error',
      'invalid x-api-key',
    );
    expect((await postJson(url, messageBody(), { headers: apiHeaders('good-key') })).status).toBe(200);
    const bearer = { ...withoutKey, authorization: 'Bearer good-key' };
    expect((await postJson(url, messageBody(), { headers: bearer })).status).toBe(200);
    const { 'anthropic-version': __, ...withoutVersion } = apiHeaders('good-key');
    await expectError(
      await postJson(url, messageBody(), { headers: withoutVersion }),
      400,
      'invalid_request_error',
      'anthropic-version: header is required',
    );
  });

  it('answers a body over maxBodyBytes with 413 request_too_large', async () => {
    const mock = await startMock({ maxBodyBytes: 1024 });
    const body = messageBody({ messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
    await expectError(await postJson(`${mock.url}/v1/messages`, body), 413, 'request_too_large');
  });
});

describe('recording', () => {
  it('records method, path, query, headers, body, parsed JSON, the key and the time', async () => {
    const mock = await startMock();
    const before = Date.now();
    const sent = await postJson(`${mock.url}/v1/messages?beta=true`, messageBody(), {
      headers: {
        ...apiHeaders('key-a'),
        'anthropic-beta': 'oauth-2025-04-20,files-api',
        'x-claude-code-session-id': 's-1',
      },
    });
    const { 'x-api-key': _, ...withoutKey } = apiHeaders();
    await postJson(`${mock.url}/v1/messages/count_tokens`, messageBody(), {
      headers: { ...withoutKey, authorization: 'Bearer token-b' },
    });
    const [first, second] = mock.received;
    expect(mock.received).toHaveLength(2);
    expect(first).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      apiKey: 'key-a',
      json: messageBody(),
      status: 200,
      completed: true,
      aborted: false,
      fault: undefined,
    });
    expect(first?.id).toBe(sent.headers['request-id']);
    expect(first?.query.get('beta')).toBe('true');
    expect(first?.headers['anthropic-beta']).toBe('oauth-2025-04-20,files-api');
    expect(first?.headers['x-claude-code-session-id']).toBe('s-1');
    expect(first?.body.toString()).toBe(sent.sent);
    expect(first?.time).toBeGreaterThanOrEqual(before);
    expect(second).toMatchObject({ path: '/v1/messages/count_tokens', apiKey: 'token-b' });
    mock.clearReceived();
    expect(mock.received).toEqual([]);
  });

  it('keeps only the last `record` requests, or none with record: false', async () => {
    const bounded = await startMock({ record: 2 });
    for (const content of ['one', 'two', 'three']) {
      await postJson(`${bounded.url}/v1/messages`, messageBody({ messages: [{ role: 'user', content }] }));
    }
    expect(
      bounded.received.map((received) => (received.json as { messages: { content: string }[] }).messages[0]?.content),
    ).toEqual(['two', 'three']);
    expect(bounded.stats()).toMatchObject({ requests: 3, completed: 3, aborted: 0, faults: 0 });

    const off = await startMock({ record: false });
    await postJson(`${off.url}/v1/messages`, messageBody());
    expect(off.received).toEqual([]);
    expect(off.stats().requests).toBe(1);
  });

  it('emits request-aborted and marks the request when the client goes away mid-stream', async () => {
    const mock = await startMock({ eventDelayMs: 50, deltas: 200 });
    const aborted = once(mock, 'request-aborted');
    const response = await request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: apiHeaders(),
      body: JSON.stringify(messageBody({ stream: true })),
      dispatcher: freshAgent(),
    });
    const events = parseServerSentEvents(response.body);
    expect((await events.next()).value?.event).toBe('message_start');
    response.body.destroy();
    const [received] = await aborted;
    expect(received).toMatchObject({ aborted: true, completed: false, status: 200 });
    expect(mock.received[0]?.aborted).toBe(true);
    expect(mock.stats().aborted).toBe(1);
  });
});

describe('scripted faults', () => {
  it('answers the next N requests with a status fault, then normally', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'status', status: 500, message: 'boom' }, { times: 2 });
    const statuses = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await postJson(`${mock.url}/v1/messages`, messageBody())).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(mock.received.map((received) => received.fault?.kind)).toEqual(['status', 'status', undefined]);
    expect(mock.stats().faults).toBe(2);
  });

  it('answers a 429 with rate_limit_error, retry-after and exhausted rate-limit headers', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 30, headers: { 'x-should-retry': 'false' } });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(response.status).toBe(429);
    expect(JSON.parse(response.text).error.type).toBe('rate_limit_error');
    expect(response.headers['retry-after']).toBe('30');
    expect(response.headers['x-should-retry']).toBe('false');
    expect(response.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    const reset = Date.parse(response.headers['anthropic-ratelimit-requests-reset'] as string);
    expect(reset).toBeGreaterThan(Date.now() + 20_000);
  });

  it('answers overloaded with 529 overloaded_error', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'overloaded' });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(response.status).toBe(529);
    expect(JSON.parse(response.text).error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
  });

  it('keeps a per-key fault until clearFaults(), without touching other keys', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'overloaded' }, { apiKey: 'key-bad' });
    const url = `${mock.url}/v1/messages`;
    const statusFor = async (key: string) => (await postJson(url, messageBody(), { headers: apiHeaders(key) })).status;
    expect([await statusFor('key-bad'), await statusFor('key-good'), await statusFor('key-bad')]).toEqual([
      529, 200, 529,
    ]);
    expect(mock.pendingFaults).toBe(Number.POSITIVE_INFINITY);
    mock.clearFaults();
    expect(await statusFor('key-bad')).toBe(200);
  });

  it('limits a fault to a path', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'status', status: 503 }, { path: '/v1/messages' });
    expect((await postJson(`${mock.url}/v1/messages/count_tokens`, messageBody())).status).toBe(200);
    expect((await postJson(`${mock.url}/v1/messages`, messageBody())).status).toBe(503);
  });

  it('resets the connection before the headers', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'reset-before-headers' });
    const failure = postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: freshAgent() });
    await expect(failure).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect(mock.received[0]).toMatchObject({
      fault: { kind: 'reset-before-headers' },
      status: undefined,
      aborted: false,
    });
    expect((await postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: freshAgent() })).status).toBe(200);
  });

  it('resets a TLS connection too, after the TLS handshake', async () => {
    const mock = await startMock({ tls: true });
    mock.fault({ kind: 'reset-before-headers' });
    const agent = new Agent({ connect: { ca: mock.certificate } });
    agents.push(agent);
    const failure = postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: agent });
    await expect(failure).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    expect((await postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: agent })).status).toBe(200);
  });

  it('resets the connection mid-stream after the given number of events', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'reset-mid-stream', afterEvents: 4 });
    const response = await request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: apiHeaders(),
      body: JSON.stringify(messageBody({ stream: true })),
      dispatcher: freshAgent(),
    });
    expect(response.statusCode).toBe(200);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of parseServerSentEvents(response.body)) seen.push(event.event);
    })();
    await expect(reading).rejects.toThrow();
    expect(seen).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
    expect(mock.received[0]).toMatchObject({ status: 200, completed: false, aborted: false });
  });

  it('cuts a JSON response in half for a mid-stream fault', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'reset-mid-stream', afterEvents: 1 });
    const failure = postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: freshAgent() });
    await expect(failure).rejects.toBeInstanceOf(Error);
  });

  it('stalls before the headers until the client gives up, and records the abort', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'stall' });
    const aborted = once(mock, 'request-aborted');
    const failure = request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: apiHeaders(),
      body: JSON.stringify(messageBody()),
      headersTimeout: 300,
      dispatcher: freshAgent(),
    });
    await expect(failure).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    const [received] = await aborted;
    expect(received).toMatchObject({ aborted: true, status: undefined, fault: { kind: 'stall' } });
  });

  it('stalls mid-stream after the given number of events', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'stall', afterEvents: 2 });
    const response = await request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: apiHeaders(),
      body: JSON.stringify(messageBody({ stream: true })),
      bodyTimeout: 300,
      dispatcher: freshAgent(),
    });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of parseServerSentEvents(response.body)) seen.push(event.event);
    })();
    await expect(reading).rejects.toBeInstanceOf(errors.BodyTimeoutError);
    expect(seen).toEqual(['message_start', 'content_block_start']);
  });

  it('ends a 200 stream with an error event after the given number of events', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'stream-error', afterEvents: 3 }, { times: 2 });
    const streamed = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    expect(streamed.status).toBe(200);
    const events = parseServerSentEventText(streamed.text);
    expect(events.map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'ping', 'error']);
    expect(JSON.parse(events[3]?.data ?? '')).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    const plain = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(plain.status).toBe(529);
  });

  it('closes stalled connections on close()', async () => {
    const mock = await createMockAnthropic();
    mock.fault({ kind: 'stall' });
    const received = once(mock, 'request-received');
    const failure = postJson(`${mock.url}/v1/messages`, messageBody(), { dispatcher: freshAgent() });
    await received;
    await mock.close();
    await expect(failure).rejects.toBeInstanceOf(Error);
    expect(mock.stats()).toMatchObject({ connections: 0, aborted: 0 });
  });

  it('rejects a malformed fault with an error naming the field', async () => {
    const started = await startMock();
    const mock = { fault: (fault: unknown, scope?: unknown) => started.fault(fault as Fault, scope as never) };
    expect(() => mock.fault({ kind: 'status', status: 200 })).toThrow(InvalidFaultError);
    expect(() => mock.fault({ kind: 'status', status: 200 })).toThrow(/fault\.status/);
    expect(() => mock.fault({ kind: 'explode' })).toThrow(/fault\.kind/);
    expect(() => mock.fault({ kind: 'reset-mid-stream' })).toThrow(/fault\.afterEvents/);
    expect(() => mock.fault({ kind: 'overloaded' }, { times: 0 })).toThrow(/scope\.times/);
    expect(() => mock.fault({ kind: 'overloaded' }, { path: 'v1' })).toThrow(/scope\.path/);
  });
});

describe('options', () => {
  it('rejects each invalid option with an InvalidMockOptionError naming it', async () => {
    const cases: [MockAnthropicOptions, string][] = [
      [{ port: -1 }, 'port'],
      [{ port: 70_000 }, 'port'],
      [{ host: '' }, 'host'],
      [{ tls: 'yes' as never }, 'tls'],
      [{ tls: { key: '', cert: 'x' } }, 'tls.key'],
      [{ latencyMs: -5 }, 'latencyMs'],
      [{ eventDelayMs: Number.NaN }, 'eventDelayMs'],
      [{ deltas: 0 }, 'deltas'],
      [{ deltas: 1.5 }, 'deltas'],
      [{ text: '' }, 'text'],
      [{ model: 42 as never }, 'model'],
      [{ record: -1 }, 'record'],
      [{ apiKeys: 'one-key' as never }, 'apiKeys'],
      [{ apiKeys: [''] }, 'apiKeys'],
      [{ cacheReadInputTokens: -1 }, 'cacheReadInputTokens'],
      [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
    ];
    for (const [options, option] of cases) {
      const failure = createMockAnthropic(options);
      await expect(failure, option).rejects.toBeInstanceOf(InvalidMockOptionError);
      await expect(failure, option).rejects.toMatchObject({ code: 'RELAY_ERR_MOCK_INVALID_OPTION', option });
    }
  });
});
