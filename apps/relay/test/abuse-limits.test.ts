import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { messageRequest, postMessage } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-abuse-limits-tests';
let mock: MockAnthropic;

beforeAll(async () => {
  mock = await createMockAnthropic();
});
afterEach(async () => {
  await stopAllRelays();
});
afterAll(async () => {
  await mock.close();
});

const accounts = [{ id: 'shared', apiKey: 'sk-ant-abuse-limits' }];

/** GET `path` on a fresh connection from `localAddress` (any 127.0.0.0/8 address reaches the relay on Linux). */
function getFrom(
  relay: RelayProcess,
  path: string,
  localAddress: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(relay.url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: hostname, port: Number(port), path, localAddress, agent: false, headers },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode as number, headers: response.headers }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Opens a TCP connection and resolves once it is established, with whether the relay closed it within 500 ms. */
async function openConnection(relay: RelayProcess): Promise<{ socket: Socket; closedByRelay: Promise<boolean> }> {
  const { hostname, port } = new URL(relay.url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const closedByRelay = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 500).unref();
  });
  socket.on('error', () => {});
  return { socket, closedByRelay };
}

describe('limits that keep one client (or one address) from hurting the others', () => {
  it('closes a connection beyond limits.maxConnections at once; a slot freed is usable again', async () => {
    const relay = await startRelayProcess({ limits: { maxConnections: 2 } });
    const first = await openConnection(relay);
    const second = await openConnection(relay);
    const third = await openConnection(relay);
    expect(await third.closedByRelay).toBe(true);
    expect(await first.closedByRelay).toBe(false);
    expect(await second.closedByRelay).toBe(false);
    first.socket.destroy();
    await sleep(100);
    const fourth = await openConnection(relay);
    fourth.socket.write('GET /healthz HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      fourth.socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      fourth.socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    second.socket.destroy();
  });

  it('answers 429 with retry-after to an address after N failed authentications, valid key or not; other addresses go on', async () => {
    const relay = await startRelayProcess(
      {
        upstream: { baseUrl: mock.url },
        accounts,
        admin: { token: adminToken },
        // Loopback is exempt by default (a local TLS proxy is every client's address): not in this test.
        limits: { authFailures: { max: 3, windowMs: 60_000, exempt: [] } },
      },
      {},
    );
    const wrongKey = { 'x-api-key': 'relay_wrong-key-guess', 'anthropic-version': '2023-06-01' };
    expect((await getFrom(relay, '/v1/models', '127.0.0.1', wrongKey)).status).toBe(401);
    expect((await getFrom(relay, '/v1/models', '127.0.0.1', wrongKey)).status).toBe(401);
    // A wrong admin token counts against the same address.
    expect((await getFrom(relay, '/admin/stats', '127.0.0.1', { authorization: 'Bearer wrong-guess' })).status).toBe(
      403,
    );

    const refused = await getFrom(relay, '/v1/models', '127.0.0.1', wrongKey);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Its valid key is refused too while it backs off: the answer must tell nothing about the keys tried.
    const validKey = { 'x-api-key': relay.clientKey, 'anthropic-version': '2023-06-01' };
    expect((await getFrom(relay, '/v1/models', '127.0.0.1', validKey)).status).toBe(429);
    expect((await getFrom(relay, '/admin/stats', '127.0.0.1', { authorization: `Bearer ${adminToken}` })).status).toBe(
      429,
    );
    // Routes without a key are not affected, nor is another address.
    expect((await getFrom(relay, '/healthz', '127.0.0.1', {})).status).toBe(200);
    expect((await getFrom(relay, '/v1/models', '127.0.0.2', validKey)).status).toBe(200);
    expect((await getFrom(relay, '/v1/models', '127.0.0.2', wrongKey)).status).toBe(401);
  });

  it('caps the sessions of one client key: past sessions.maxPerClient, its least recently used one is ended', async () => {
    const clientKey = generateClientKey();
    const otherKey = generateClientKey();
    const relay = await startRelayProcess(
      {
        upstream: { baseUrl: mock.url },
        accounts,
        admin: { token: adminToken },
        sessions: { maxPerClient: 2 },
        clients: [
          { id: 'e2e-client', key: clientKey },
          { id: 'other-client', key: otherKey },
        ],
      },
      { clientKey },
    );
    // Sessions told apart by their request counts: oldest 1, then 2, then 3.
    for (const [sessionId, requests] of [
      ['cap-oldest', 1],
      ['cap-middle', 2],
      ['cap-newest', 3],
    ] as const) {
      for (let index = 0; index < requests; index += 1) {
        const response = await postMessage(relay, { sessionId });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    const counts = async (apiKeyId = 'e2e-client') => {
      const response = await fetch(`${relay.url}/admin/sessions?apiKeyId=${apiKeyId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const { data } = (await response.json()) as { data: Array<{ requestCount: number }> };
      return data.map((session) => session.requestCount).sort();
    };
    const deadline = Date.now() + 5_000;
    while ((await counts()).join() !== '2,3' && Date.now() < deadline) await sleep(50);
    expect(await counts()).toEqual([2, 3]);

    // Another client's sessions are its own budget: they end none of the first client's.
    for (const sessionId of ['other-first', 'other-second']) {
      const response = await fetch(`${relay.url}/v1/messages`, messageRequest(otherKey, { sessionId }));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    while ((await counts('other-client')).length < 2 && Date.now() < deadline + 5_000) await sleep(50);
    expect(await counts('other-client')).toEqual([1, 1]);
    expect(await counts()).toEqual([2, 3]);
  });
});
