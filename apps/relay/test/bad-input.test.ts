import { connect } from 'node:net';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messageRequest } from './api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

const adminToken = 'admin-token-bad-input-tests';
const upstreamKey = 'sk-ant-upstream-bad-input';

/** Sends raw bytes on a fresh TCP connection and resolves with everything the relay answered. */
function rawExchange(relay: RelayProcess, payload: string | Buffer, options: { endAfterWrite?: boolean } = {}) {
  const { hostname, port } = new URL(relay.url);
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(payload);
      if (options.endAfterWrite) socket.end();
    });
  });
}

const statusOf = (raw: string) => Number(raw.match(/^HTTP\/1\.1 (\d{3})/)?.[1]);

describe('bad input gets a clear status and an Anthropic-shaped error, and never crashes the relay', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': relay.clientKey,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...headers,
      },
      body,
    });

  beforeAll(async () => {
    mock = await createMockAnthropic({ eventDelayMs: 50, deltas: 20 });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: upstreamKey, maxConcurrency: 100 }],
      clients: undefined,
      admin: { token: adminToken },
      limits: { bodyBytes: 64 * 1024, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxHeaderBytes: 8 * 1024 },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });
  beforeEach(() => {
    mock.clearReceived();
  });

  it('400 for malformed JSON, 415 for another content type, 401 for a missing or unknown key', async () => {
    const malformed = await post('{"model": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const wrongType = await post('model=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const anonymous = await fetch(`${relay.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const unknown = await post('{}', { 'x-api-key': 'relay_unknown' });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { type: 'authentication_error' } });
    expect(mock.received).toHaveLength(0);
  });

  it('413 for a body over the limit, refused from its content-length without reading it', async () => {
    const response = await rawExchange(
      relay,
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${relay.clientKey}\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n{"a":`,
    );
    expect(statusOf(response)).toBe(413);
    expect(response).toContain('"request_too_large"');
    const chunked = await post(JSON.stringify({ padding: 'x'.repeat(100 * 1024) }));
    expect(chunked.status).toBe(413);
  });

  it('431 for headers over the limit', async () => {
    const response = await fetch(`${relay.url}/healthz`, { headers: { 'x-padding': 'y'.repeat(16 * 1024) } });
    expect(response.status).toBe(431);
  });

  it('408 for a client that sends its headers too slowly (slowloris)', async () => {
    const started = Date.now();
    const response = await rawExchange(relay, 'POST /v1/messages HTTP/1.1\r\nhost: x\r\n');
    expect(statusOf(response)).toBe(408);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('408 for a body that stalls', async () => {
    const response = await rawExchange(
      relay,
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${relay.clientKey}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model"`,
    );
    expect(statusOf(response)).toBe(408);
  });

  it('never lets path tricks reach the admin routes', async () => {
    for (const path of [
      '/v1/../admin/stats',
      '/v1/%2e%2e/admin/stats',
      '//admin/stats',
      '/admin//stats',
      '/ADMIN/stats',
    ]) {
      const response = await rawExchange(relay, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect([400, 401, 404]).toContain(statusOf(response));
      expect(response).not.toContain('"sessions"');
    }
    const noToken = await fetch(`${relay.url}/admin/stats`);
    expect(noToken.status).toBe(401);
    const wrongToken = await fetch(`${relay.url}/admin/stats`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrongToken.status).toBe(403);
    expect(await wrongToken.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('rejects CR/LF in header values before anything is forwarded', async () => {
    const response = await rawExchange(
      relay,
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${relay.clientKey}\r\nanthropic-beta: a\rinjected: yes\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`,
    );
    expect(statusOf(response)).toBe(400);
    expect(mock.received).toHaveLength(0);
  });

  it('forwards a body with invalid UTF-8 byte for byte, and never the client key', async () => {
    const body = Buffer.concat([
      Buffer.from('{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"caf'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}]}'),
    ]);
    const response = await post(body);
    expect(response.status, await response.clone().text()).toBe(200);
    const [received] = mock.received;
    expect(received?.body.equals(body)).toBe(true);
    expect(received?.apiKey).toBe(upstreamKey);
    expect(JSON.stringify(received?.headers)).not.toContain(relay.clientKey);
  });

  it('holds a client key to its concurrency limit', async () => {
    const limited = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      accounts: [{ id: 'only', apiKey: upstreamKey }],
      clients: [{ id: 'small', key: 'relay_small-client-key-000000000000', maxConcurrency: 3 }],
    });
    const request = (signal?: AbortSignal) =>
      fetch(
        `${limited.url}/v1/messages`,
        messageRequest('relay_small-client-key-000000000000', { stream: true, ...(signal ? { signal } : {}) }),
      );
    // The upstream holds every stream open, so the slots stay taken however slowly the requests arrive.
    mock.fault({ kind: 'stall', afterEvents: 1 }, { times: 8 });
    const controller = new AbortController();
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(controller.signal)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    const limitedBody = await responses.find((response) => response.status === 429)?.json();
    expect(limitedBody).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    controller.abort();
    mock.clearFaults();
    // Closing the streams gives the slots back.
    await expect.poll(async () => (await request()).status, { timeout: 10_000 }).toBe(200);
  });

  it('is still healthy after all of that', async () => {
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(relay.child.exitCode).toBeNull();
  });
});
