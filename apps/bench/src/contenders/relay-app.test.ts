import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayContender, type RelaySkipped, startRelayContender } from './relay-app.js';

// The bench's config must keep matching the relay's: if it drifted, the relay rows would be skipped with a note
// in every run, and nobody would see the relay's figures go missing. This test makes the drift a failure.
const body = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 32,
  messages: [{ role: 'user', content: 'Hello through the relay' }],
});

let mock: MockAnthropic;
let contender: RelayContender | RelaySkipped;

beforeAll(async () => {
  mock = await createMockAnthropic({ port: 0, record: true });
  contender = await startRelayContender(mock.url, body);
});

afterAll(async () => {
  if (contender && !('skipped' in contender)) await contender.stop();
  await mock?.close();
});

describe('the relay contender', () => {
  it('starts the built relay with the bench config, and it relays a message to the upstream', async () => {
    expect(contender).not.toHaveProperty('skipped');
    const relay = contender as RelayContender;
    const response = await request(`${relay.server.origin}/v1/messages`, {
      method: 'POST',
      headers: relay.headers,
      body,
    });
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toMatchObject({ type: 'message', role: 'assistant' });
    expect(mock.received.at(-1)?.apiKey).toBe('sk-ant-bench-upstream');
  });

  it('rejects a client without the bench key, so the rows measure the authenticated path', async () => {
    const relay = contender as RelayContender;
    const response = await request(`${relay.server.origin}/v1/messages`, {
      method: 'POST',
      headers: { ...relay.headers, 'x-api-key': 'not-the-bench-key-0000000000000' },
      body,
    });
    expect(response.statusCode).toBe(401);
    await response.body.dump();
  });
});
