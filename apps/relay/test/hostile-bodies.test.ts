import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const deep = (levels: number, inner: string) => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
const message = (content: string) =>
  `{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":${content}}]}`;

// Bodies a client with a valid key may send to break the relay; none may get a 500.
const hostileBodies: Array<[string, string | Buffer]> = [
  ['a text that is an object without a usable toString', message('[{"type":"text","text":{"toString":null}}]')],
  ['a text that is an object', message('[{"type":"text","text":{"a":{"b":[1,2,{"c":"d"}]}}}]')],
  ['a text nested 100,000 arrays deep', message(`[{"type":"text","text":${deep(100_000, '"x"')}}]`)],
  ['a text nested 400 arrays deep', message(`[{"type":"text","text":${deep(400, '"x"')}}]`)],
  ['system blocks that are no objects', '{"model":"m","system":[null,1,"x",[{"text":{}}]],"messages":[]}'],
  ['a system that is an object with text', '{"model":"m","system":{"text":{"valueOf":null}},"messages":[]}'],
  ['messages that are no array', '{"model":"m","messages":{"0":{"content":"x"}}}'],
  ['a first message that is null', '{"model":"m","messages":[null]}'],
  ['content blocks of every type', message('[null,1,"x",true,{"text":5},{"text":null},[]]')],
  ['a user_id that is an object', '{"metadata":{"user_id":{"session_id":"x"}},"messages":[]}'],
  ['a user_id that is JSON of a number', '{"metadata":{"user_id":"{1"},"messages":[]}'],
  [
    'a user_id of nested JSON',
    `{"metadata":{"user_id":${JSON.stringify(`{"session_id":${deep(50_000, '1')}}`)}},"messages":[]}`,
  ],
  ['a metadata that is an array', '{"metadata":["user_id"],"messages":[]}'],
  [
    'duplicate keys of every routing field',
    '{"model":1,"model":"m","stream":"x","metadata":null,"system":5,"messages":[]}',
  ],
  ['a top-level array', '[{"model":"m"}]'],
  ['a top-level string', '"text"'],
  ['a top-level null', 'null'],
  [
    'invalid UTF-8 inside a string',
    Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
  ],
  [
    'invalid UTF-8 outside a string',
    Buffer.concat([Buffer.from('{"model":"m"'), Buffer.from([0xff]), Buffer.from('}')]),
  ],
  ['a lone surrogate escape', '{"model":"\\ud800","messages":[]}'],
  ['an invalid escape', '{"model":"\\q"}'],
  ['a raw control character', '{"model":"a\u0001b"}'],
  ['an unterminated document', '{"model":"m","messages":[{"content":'],
  ['nesting 100,000 objects deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
];

describe('no client body can make a 500', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  beforeAll(async () => {
    mock = await createMockAnthropic();
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: 'sk-ant-hostile-bodies' }],
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  it.each(hostileBodies)('%s', async (_name, body) => {
    const response = await fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': relay.clientKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body,
    });
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
    if (response.status === 400 && text.includes('not valid JSON')) {
      expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('answers malformed JSON with a 400 that says where', async () => {
    const response = await fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': relay.clientKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: '{"model":"m",}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /not valid JSON: unexpected "}" at byte 13/,
    );
  });
});
