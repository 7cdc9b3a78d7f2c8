import { readFileSync, writeFileSync } from 'node:fs';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../../src/auth/client-key.js';
import { startRelayProcess, stopAllRelays } from '../relay-process.js';
import { messageFor, sendRequest } from './usage-support.js';

const firstKey = generateClientKey();
const addedKey = generateClientKey();

let mock: MockAnthropic;

describe('key limits after a SIGHUP', () => {
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2, usage: { input_tokens: 10, output_tokens: 10 } });
  });
  afterEach(async () => {
    await stopAllRelays();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('limits a key the reload added, bills it, and names it in the metrics; changed limits keep what the key used', async () => {
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'acct', apiKey: 'sk-ant-reloaded-limits' }],
      clients: [{ id: 'first', key: firstKey }],
    });
    const reload = async (clients: object[]) => {
      const config = JSON.parse(readFileSync(relay.configFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(relay.configFile, JSON.stringify({ ...config, clients }, null, 2));
      const before = relay.output.length;
      relay.child.kill('SIGHUP');
      await expect
        .poll(() => relay.output.slice(before).some((line) => line.includes('"msg":"config reloaded"')))
        .toBe(true);
    };

    await reload([
      { id: 'first', key: firstKey },
      { id: 'added', key: addedKey, limits: { requestsPerMinute: 2 } },
    ]);
    const statuses = [];
    for (let index = 0; index < 3; index += 1) {
      statuses.push((await sendRequest(relay, addedKey, messageFor('claude-haiku-4-5', 'added', false))).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    // 2 requests of 10 input and 10 output tokens of Haiku 4.5 ($1 / $5): 2 × (10 + 50) µ$.
    expect(metrics).toContain('relay_client_cost_microdollars_total{client="added"} 120');
    expect(metrics).toContain('relay_client_limit_rejections_total{client="added",limit="requests_per_minute"} 1');

    // Changed limits apply from the next request, and a reload resets no window: the two requests still count.
    await reload([
      { id: 'first', key: firstKey },
      { id: 'added', key: addedKey, limits: { requestsPerMinute: 2, budgets: [{ usd: 0.0001, window: 'total' }] } },
    ]);
    const afterChange = await sendRequest(relay, addedKey, messageFor('claude-haiku-4-5', 'added', false));
    expect(afterChange.status).toBe(429);
    expect(JSON.parse(afterChange.text).error.message).toContain(
      "client key 'added' is over its limit of 2 requests per minute",
    );
  });
});
