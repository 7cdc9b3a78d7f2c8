import { once } from 'node:events';
import Anthropic, { type APIError, type RateLimitError } from '@anthropic-ai/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, type MockAnthropic } from './mock-anthropic.js';
import { expectedText } from './mock-text.js';
import { mockModels } from './model-catalog.js';
import type { MockAnthropicOptions } from './options.js';
import { generateSelfSignedCertificate } from './self-signed-certificate.js';
import { estimateTokens } from './token-estimate.js';

// The official SDK pointed at the mock: what it parses, throws and retries is what a relay's clients see.

const started: MockAnthropic[] = [];
const agents: Agent[] = [];

async function startMock(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const mock = await createMockAnthropic(options);
  started.push(mock);
  return mock;
}

/** An SDK client on its own connection pool, so that a reset never leaks into another test. */
function client(mock: MockAnthropic, options: ConstructorParameters<typeof Anthropic>[0] = {}): Anthropic {
  const agent = new Agent(mock.certificate === undefined ? {} : { connect: { ca: mock.certificate } });
  agents.push(agent);
  return new Anthropic({
    apiKey: 'sk-ant-sdk-key',
    baseURL: mock.url,
    fetch: undiciFetch as unknown as typeof fetch,
    fetchOptions: { dispatcher: agent } as never,
    ...options,
  });
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
});

const request = {
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Hello, Claude' }],
};

describe('the official SDK against the mock', () => {
  it('creates a message and reads its text and usage', async () => {
    const mock = await startMock({ deltas: 6, cacheReadInputTokens: 12 });
    const sdk = client(mock);
    const message = await sdk.messages.create(request);
    const sentBytes = mock.received[0]?.body.length ?? 0;
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: expectedText({ deltas: 6 }) }]);
    expect(message.usage).toMatchObject({
      input_tokens: estimateTokens(sentBytes),
      output_tokens: estimateTokens(Buffer.byteLength(expectedText({ deltas: 6 }))),
      cache_read_input_tokens: 12,
    });
    expect(mock.received[0]?.headers['anthropic-version']).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(mock.received[0]?.apiKey).toBe('sk-ant-sdk-key');
  });

  it("streams with the SDK's helper: the text events spell the mock's text and the final usage matches", async () => {
    const mock = await startMock({ deltas: 25, cacheCreationInputTokens: 3 });
    const sdk = client(mock);
    const stream = sdk.messages.stream(request);
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe(expectedText({ deltas: 25 }));
    expect(final.content).toMatchObject([{ type: 'text', text: expectedText({ deltas: 25 }) }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({
      input_tokens: estimateTokens(mock.received[0]?.body.length ?? 0),
      cache_creation_input_tokens: 3,
      cache_read_input_tokens: 0,
      output_tokens: estimateTokens(Buffer.byteLength(text)),
    });
    expect(mock.received[0]?.json).toMatchObject({ stream: true });
  });

  it('iterates the raw events of stream: true', async () => {
    const mock = await startMock({ deltas: 2 });
    const stream = await client(mock).messages.create({ ...request, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('counts tokens', async () => {
    const mock = await startMock();
    const counted = await client(mock).messages.countTokens({ model: request.model, messages: request.messages });
    expect(counted.input_tokens).toBe(estimateTokens(mock.received[0]?.body.length ?? 0));
  });

  it('lists the models page by page', async () => {
    const mock = await startMock();
    const ids: string[] = [];
    for await (const model of client(mock).models.list({ limit: 3 })) ids.push(model.id);
    expect(ids).toEqual(mockModels.map((model) => model.id));
    expect(mock.received.map((received) => received.query.get('limit'))).toEqual(['3', '3', '3']);
  });

  it('throws the SDK error classes for scripted 400, 401, 429 and 529', async () => {
    const mock = await startMock({ apiKeys: ['sk-ant-sdk-key'] });
    const sdk = client(mock, { maxRetries: 0 });

    mock.fault({ kind: 'status', status: 400, message: 'messages: bad' });
    const badRequest = await sdk.messages.create(request).catch((error: unknown) => error);
    expect(badRequest).toBeInstanceOf(Anthropic.BadRequestError);
    expect(badRequest).toMatchObject({ status: 400, type: 'invalid_request_error', apiMessage: 'messages: bad' });
    expect((badRequest as APIError).requestID).toBe(mock.received.at(-1)?.id);

    const unauthorized = await client(mock, { apiKey: 'sk-ant-other', maxRetries: 0 })
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(unauthorized).toMatchObject({ type: 'authentication_error' });

    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 20 });
    const limited = await sdk.messages.create(request).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('20');
    expect((limited as RateLimitError).headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');

    mock.fault({ kind: 'overloaded' });
    const overloaded = await sdk.messages.create(request).catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
    expect(mock.received).toHaveLength(4);
  });

  it('retries a 429 after retry-after and a 529 after retry-after-ms, then succeeds', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    mock.fault({ kind: 'overloaded', headers: { 'retry-after-ms': '50' } });
    const message = await client(mock).messages.create(request);
    expect(message.content[0]).toMatchObject({ text: expectedText() });
    expect(mock.received.map((received) => received.status)).toEqual([429, 529, 200]);
    expect(mock.received.map((received) => received.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
  });

  it('sees a reset before the headers as a connection error, and retries it by default', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'reset-before-headers' });
    const failure = await client(mock, { maxRetries: 0 })
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIConnectionError);

    mock.fault({ kind: 'reset-before-headers' });
    const message = await client(mock).messages.create(request);
    expect(message.type).toBe('message');
    expect(mock.received.map((received) => received.fault?.kind)).toEqual([
      'reset-before-headers',
      'reset-before-headers',
      undefined,
    ]);
  });

  it('sees a reset mid-stream as an error after the text received so far', async () => {
    const mock = await startMock({ deltas: 10 });
    // message_start, content_block_start, ping, then 3 deltas.
    mock.fault({ kind: 'reset-mid-stream', afterEvents: 6 });
    const stream = client(mock, { maxRetries: 0 }).messages.stream(request);
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Error);
    expect(text).toBe('Hello from the');
  });

  it('times out on a stall and the mock records that the client went away', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'stall' });
    const aborted = once(mock, 'request-aborted');
    const failure = await client(mock, { maxRetries: 0, timeout: 300 })
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    await aborted;
    expect(mock.received[0]).toMatchObject({ aborted: true, fault: { kind: 'stall' } });
  });

  it('faults one API key and serves the others', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'status', status: 401, message: 'key revoked' }, { apiKey: 'sk-ant-revoked' });
    const revoked = client(mock, { apiKey: 'sk-ant-revoked', maxRetries: 0 });
    const healthy = client(mock, { apiKey: 'sk-ant-healthy', maxRetries: 0 });
    await expect(revoked.messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect((await healthy.messages.create(request)).type).toBe('message');
    await expect(revoked.messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('speaks HTTPS with a generated self-signed certificate that clients trust through ca', async () => {
    const mock = await startMock({ tls: true });
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const message = await client(mock).messages.create(request);
    expect(message.content[0]).toMatchObject({ text: expectedText() });

    const untrusting = new Agent();
    agents.push(untrusting);
    const refused = await undiciFetch(`${mock.url}/`, { method: 'HEAD', dispatcher: untrusting }).catch(
      (error: unknown) => error,
    );
    expect((refused as Error & { cause?: { code?: string } }).cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('serves HTTPS with a certificate it is given', async () => {
    const { key, cert } = await generateSelfSignedCertificate();
    const mock = await startMock({ tls: { key, cert } });
    expect(mock.certificate).toBe(cert);
    expect((await client(mock).messages.create(request)).type).toBe('message');
  });
});
