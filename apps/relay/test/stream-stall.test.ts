import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';
import { accountStats, streamWithSdk, upstreamOutcomeCount } from './stream-client.js';

// The relay runs on its defaults: the stall is detected after the default idle budget.
const defaults = configSchema.parse({}).upstream.stream;
const adminToken = 'admin-token-for-the-stall-test';

describe('a stream that goes silent mid-way', () => {
  let mock: MockAnthropic | undefined;
  let relay: RelayProcess;
  afterAll(async () => {
    await stopAllRelays();
    await mock?.close();
  });

  it(
    'ends with an error event after idleTimeoutMs: an APIError, recorded as stalled',
    async () => {
      mock = await createMockAnthropic({ deltas: 8 });
      relay = await startRelayProcess({
        upstream: { baseUrl: mock.url },
        accounts: [{ id: 'a', apiKey: 'sk-ant-stall-account-a-0001' }],
        admin: { token: adminToken },
      });
      mock.fault({ kind: 'stall', afterEvents: 4 });
      const observed = await streamWithSdk(relay);
      expect(observed.kind).toBe('error');
      expect(observed.kind === 'error' && observed.error).toBeInstanceOf(Anthropic.APIError);
      expect(String((observed as { error: Error }).error.message)).toMatch(/went silent/);
      expect(observed.ms).toBeGreaterThanOrEqual(defaults.idleTimeoutMs - 100);
      expect(await upstreamOutcomeCount(relay, 'stalled')).toBe(1);
      const stats = await accountStats(relay, adminToken);
      expect(stats.a?.failures).toBe(1);
      expect(stats.a?.inFlight).toBe(0);
      await expect.poll(() => mock?.received.at(-1)?.aborted, { timeout: 5_000 }).toBe(true);
    },
    defaults.idleTimeoutMs + 30_000,
  );
});
