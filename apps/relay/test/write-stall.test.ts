import { request as httpRequest } from 'node:http';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { messageRequest } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';
import { accountStats } from './stream-client.js';

const writeStallTimeoutMs = configSchema.parse({}).limits.writeStallTimeoutMs;
const adminToken = 'admin-token-for-the-write-stall-test';

describe('a client that never reads its stream', () => {
  let mock: MockAnthropic | undefined;
  let relay: RelayProcess;
  afterAll(async () => {
    await stopAllRelays();
    await mock?.close();
  });

  it(
    'loses its upstream request and account slot after writeStallTimeoutMs, logged with its client id',
    async () => {
      // A 40 MB stream: far more than the sockets between the upstream, the relay and the client can hold.
      mock = await createMockAnthropic({ deltas: 800, text: 'x'.repeat(40 * 1024 * 1024) });
      relay = await startRelayProcess({
        upstream: { baseUrl: mock.url },
        accounts: [{ id: 'a', apiKey: 'sk-ant-write-stall-a-0001', maxConcurrency: 1 }],
        admin: { token: adminToken },
      });
      const init = messageRequest(relay.clientKey, { stream: true });
      const url = new URL('/v1/messages', relay.url);
      const client = httpRequest(url, { method: 'POST', headers: init.headers as Record<string, string> });
      const head = new Promise<void>((resolve) =>
        client.on('response', (response) => {
          // Read nothing: the relay's writes back up into its own buffers.
          response.pause();
          resolve();
        }),
      );
      client.end(init.body as string);
      await head;
      expect((await accountStats(relay, adminToken)).a?.inFlight).toBe(1);
      const line = await relay.waitForOutput(/client stopped reading/, writeStallTimeoutMs + 15_000);
      expect(JSON.parse(line)).toMatchObject({ client: 'e2e-client', timeoutMs: writeStallTimeoutMs });
      // The account's slot is free again: the upstream request was given up, not left to drain.
      expect((await accountStats(relay, adminToken)).a?.inFlight).toBe(0);
      client.destroy();
    },
    writeStallTimeoutMs + 30_000,
  );
});
