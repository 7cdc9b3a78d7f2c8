import { request as httpRequest } from 'node:http';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const mebibyte = 1024 * 1024;
const adminToken = 'admin-token-large-bodies';

/** The body of issue #11.3: a million tiny objects, which a full JSON.parse turns into seconds and a gigabyte. */
function manyTinyObjects(bytes: number): Buffer {
  const head = '{"model":"claude-sonnet-4-5","x":[';
  const tail = '{}]}';
  const count = Math.floor((bytes - head.length - tail.length) / 3);
  return Buffer.from(`${head}${'{},'.repeat(count)}${tail}`);
}

function post(relay: RelayProcess, key: string, body: Buffer): Promise<{ status: number; text: string }> {
  return fetch(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body,
  }).then(async (response) => ({ status: response.status, text: await response.text() }));
}

describe('large bodies do not stall the relay', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  const keys = Array.from({ length: 4 }, () => generateClientKey());

  beforeAll(async () => {
    // The mock reads but does not keep (or parse) a body over 1 MiB: the test process measures only the relay.
    mock = await createMockAnthropic({ maxBodyBytes: mebibyte });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: 'sk-ant-large-bodies', maxConcurrency: 64 }],
      clients: keys.map((key, index) => ({ id: `client-${index}`, key })),
      admin: { token: adminToken },
      limits: { requestTimeoutMs: 60_000 },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  it('/healthz answers within 100 ms at p99 while four clients post 32 MiB bodies', async () => {
    const body = manyTinyObjects(32 * mebibyte - 64);
    const latencies: number[] = [];
    let posting = true;
    const probe = (async () => {
      while (posting) {
        const started = performance.now();
        const response = await fetch(`${relay.url}/healthz`);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const posts = await Promise.all(
      keys.flatMap((key) => [
        post(relay, key, body).then((first) => post(relay, key, body).then((second) => [first, second])),
      ]),
    );
    posting = false;
    await probe;

    // Every body reached the upstream (whose own limit answers 413): the relay forwarded it, it did not refuse it.
    expect(posts.flat().map((result) => result.status)).toEqual(Array(8).fill(413));
    expect(mock.received.length).toBeGreaterThanOrEqual(8);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] as number;
    console.log(
      `[large bodies] /healthz: ${latencies.length} probes, p50 ${latencies[latencies.length >> 1]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(100);
  }, 120_000);
});

describe('a per-client budget of request-body bytes in flight', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  const alice = generateClientKey();
  const bob = generateClientKey();

  beforeAll(async () => {
    mock = await createMockAnthropic();
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: 'sk-ant-body-budget' }],
      clients: [
        { id: 'alice', key: alice },
        { id: 'bob', key: bob },
      ],
      limits: { bodyBytes: mebibyte, clientBodyBytes: mebibyte + mebibyte / 2 },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  const bodyOf = (bytes: number) => {
    const head = '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"';
    const tail = '"}]}';
    return Buffer.from(`${head}${'a'.repeat(bytes - head.length - tail.length)}${tail}`);
  };

  it('answers 429 in the API error shape past it, counts only that client, and gives the bytes back', async () => {
    const body = bodyOf(900 * 1024);
    // Alice's first body is announced in full but only half sent: its bytes are held while it is in flight.
    const { hostname, port } = new URL(relay.url);
    const held = httpRequest({
      host: hostname,
      port,
      method: 'POST',
      path: '/v1/messages',
      headers: {
        'x-api-key': alice,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'content-length': String(body.length),
      },
    });
    const heldAnswer = new Promise<number>((resolve, reject) => {
      held.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      held.on('error', reject);
    });
    held.write(body.subarray(0, body.length >> 1));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const refused = await post(relay, alice, body);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringMatching(/bytes of request bodies in flight/) },
    });
    // Another client's budget is its own.
    expect((await post(relay, bob, body)).status).toBe(200);

    held.end(body.subarray(body.length >> 1));
    expect(await heldAnswer).toBe(200);
    // Once the request is done its bytes are given back.
    expect((await post(relay, alice, body)).status).toBe(200);
  });
});
