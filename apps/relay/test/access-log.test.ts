import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRequest } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-access-log-tests';

interface CompletedLine {
  reqId: string;
  remote: string;
  method: string;
  url: string;
  status: number;
  client?: string;
}

/** The `request completed` line of the request whose `request-id` the relay answered with. */
async function completedLine(relay: RelayProcess, response: Response): Promise<CompletedLine> {
  const requestId = response.headers.get('request-id') as string;
  expect(requestId).toMatch(/^req_/);
  const line = await relay.waitForOutput(new RegExp(`"reqId":"${requestId}".*"msg":"request completed"`), 5_000);
  return JSON.parse(line) as CompletedLine;
}

describe('one access line per request, for every route', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  beforeAll(async () => {
    mock = await createMockAnthropic();
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: 'sk-ant-access-log' }],
      admin: { token: adminToken },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  it('a 404 writes a line with its request id, status and the client address', async () => {
    const response = await fetch(`${relay.url}/no/such/route?secret=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(await completedLine(relay, response)).toMatchObject({
      method: 'GET',
      url: '/no/such/route',
      status: 404,
      remote: '127.0.0.1',
    });
  });

  it('every admin call writes a line: enable, stats, and a refused token', async () => {
    const enable = await fetch(`${relay.url}/admin/accounts/only/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(enable.status).toBe(200);
    expect(await completedLine(relay, enable)).toMatchObject({
      method: 'POST',
      url: '/admin/accounts/only/enable',
      status: 200,
      remote: '127.0.0.1',
    });

    const unknownAccount = await fetch(`${relay.url}/admin/accounts/nobody/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(unknownAccount.status).toBe(404);
    expect(await completedLine(relay, unknownAccount)).toMatchObject({ status: 404 });

    const wrongToken = await fetch(`${relay.url}/admin/stats`, { headers: { authorization: 'Bearer wrong-token' } });
    expect(wrongToken.status).toBe(403);
    expect(await completedLine(relay, wrongToken)).toMatchObject({ url: '/admin/stats', status: 403 });
  });

  it('an API request writes exactly one line, naming the client and its address', async () => {
    const response = await fetch(`${relay.url}/v1/messages`, messageRequest(relay.clientKey));
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    // The client sees the upstream's request-id here; the relay's line is found by its route.
    const line = await relay.waitForOutput(/"url":"\/v1\/messages".*"msg":"request completed"/, 5_000);
    expect(JSON.parse(line)).toMatchObject({
      method: 'POST',
      status: 200,
      client: 'e2e-client',
      remote: '127.0.0.1',
    });
    expect(relay.output.filter((text) => text.includes('"url":"/v1/messages"'))).toHaveLength(1);
  });
});

describe('a request refused while draining', () => {
  it('still writes its access line (503)', async () => {
    const slow = await createMockAnthropic({ deltas: 10, eventDelayMs: 150 });
    try {
      const relay = await startRelayProcess({
        upstream: { baseUrl: slow.url },
        accounts: [{ id: 'only', apiKey: 'sk-ant-access-log' }],
      });
      const { hostname, port } = new URL(relay.url);
      const socket = connect({ host: hostname, port: Number(port) });
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const init = messageRequest(relay.clientKey, { stream: true });
      const body = init.body as string;
      const head = Object.entries(init.headers as Record<string, string>)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nhost: relay\r\n${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      const deadline = Date.now() + 10_000;
      while (!answer.includes('message_start') && Date.now() < deadline) await sleep(20);
      relay.child.kill('SIGTERM');
      await relay.waitForOutput(/shutting down/);
      // A second request pipelined on the busy connection arrives while the relay drains.
      socket.write('GET /healthz HTTP/1.1\r\nhost: relay\r\n\r\n');
      const line = JSON.parse(await relay.waitForOutput(/"url":"\/healthz".*"msg":"request completed"/, 10_000)) as {
        status: number;
        remote: string;
      };
      expect(line).toMatchObject({ status: 503, remote: '127.0.0.1' });
      socket.destroy();
      await closed;
    } finally {
      await slow.close();
    }
  }, 40_000);
});
