import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { messageRequest } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-session-isolation';

describe('sessions are scoped by client key', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  const alice = generateClientKey();
  const bob = generateClientKey();

  beforeAll(async () => {
    mock = await createMockAnthropic();
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [
        { id: 'first', apiKey: 'sk-ant-isolation-first' },
        { id: 'second', apiKey: 'sk-ant-isolation-second' },
      ],
      clients: [
        { id: 'alice', key: alice },
        { id: 'bob', key: bob },
      ],
      admin: { token: adminToken },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  const send = async (key: string, options: Parameters<typeof messageRequest>[1]) => {
    const response = await fetch(`${relay.url}/v1/messages`, messageRequest(key, options));
    await response.arrayBuffer();
    return response.status;
  };
  const sessionsOf = async (apiKeyId: string) => {
    const response = await fetch(`${relay.url}/admin/sessions?apiKeyId=${apiKeyId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    return ((await response.json()) as { data: Array<{ id: string; apiKeyId: string; requestCount: number }> }).data;
  };

  it.each([
    ['x-claude-code-session-id', (id: string) => ({ sessionId: id })],
    [
      'metadata.user_id',
      (id: string) => ({
        body: {
          metadata: { user_id: JSON.stringify({ device_id: 'c'.repeat(64), account_uuid: '', session_id: id }) },
        },
      }),
    ],
  ])('two keys sending the same %s get two sessions, each counted for its own client', async (_name, carrying) => {
    const sessionId = crypto.randomUUID();
    for (let index = 0; index < 3; index += 1) expect(await send(alice, carrying(sessionId))).toBe(200);
    for (let index = 0; index < 2; index += 1) expect(await send(bob, carrying(sessionId))).toBe(200);

    // The admin API shows each client's session under the id the client sent, with only its own requests.
    const alices = (await sessionsOf('alice')).filter((session) => session.id === sessionId);
    const bobs = (await sessionsOf('bob')).filter((session) => session.id === sessionId);
    expect(alices).toEqual([expect.objectContaining({ id: sessionId, apiKeyId: 'alice', requestCount: 3 })]);
    expect(bobs).toEqual([expect.objectContaining({ id: sessionId, apiKeyId: 'bob', requestCount: 2 })]);
  });
});
