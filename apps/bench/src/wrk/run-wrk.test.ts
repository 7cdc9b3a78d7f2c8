import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWrk } from './run-wrk.js';

// A real server that records what wrk sent: the session header of every request, and the bodies it saw.
let server: Server;
let origin: string;
const sessions: string[] = [];
const bodies = new Set<string>();
let status = 200;

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    let body = '';
    incoming.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    incoming.on('end', () => {
      sessions.push(String(incoming.headers['x-claude-code-session-id']));
      bodies.add(`${incoming.method} ${incoming.url} ${incoming.headers['x-api-key']} ${body}`);
      outgoing.writeHead(status, { 'content-type': 'application/json' });
      outgoing.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const body = JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
const run = (sessionsOption?: Parameters<typeof runWrk>[0]['sessions']) => {
  sessions.length = 0;
  bodies.clear();
  return runWrk({
    url: `${origin}/v1/messages?beta=true`,
    method: 'POST',
    headers: { 'x-api-key': 'key-1', 'x-claude-code-session-id': 'fixed-1' },
    body,
    connections: 4,
    durationSeconds: 1,
    ...(sessionsOption ? { sessions: sessionsOption } : {}),
  });
};

describe('runWrk (real wrk against a real server)', () => {
  it('sends the same request again and again, and reports what the server answered', async () => {
    const result = await run();
    expect(bodies).toEqual(new Set([`POST /v1/messages?beta=true key-1 ${body}`]));
    expect(new Set(sessions)).toEqual(new Set(['fixed-1']));
    // wrk stops counting at its deadline while a few requests may still be in flight.
    expect(result.requests).toBeGreaterThan(0);
    expect(sessions.length - result.requests).toBeGreaterThanOrEqual(0);
    expect(sessions.length - result.requests).toBeLessThanOrEqual(4);
    expect(result.badStatus + result.connectErrors + result.readErrors + result.timeouts).toBe(0);
    expect(result.latencyP99Micros).toBeGreaterThanOrEqual(result.latencyP50Micros);
  });

  it('cycles session ids round robin', async () => {
    await run({ kind: 'round-robin', sessions: 5, prefix: 'rr-' });
    expect(new Set(sessions)).toEqual(
      new Set(['rr-00000000', 'rr-00000001', 'rr-00000002', 'rr-00000003', 'rr-00000004']),
    );
  });

  it('gives every request a session id of its own', async () => {
    await run({ kind: 'unique', prefix: 'new-' });
    expect(new Set(sessions).size).toBe(sessions.length);
    expect(sessions.every((id) => id.startsWith('new-'))).toBe(true);
  });

  it('counts answers outside 2xx/3xx', async () => {
    status = 529;
    try {
      const result = await run();
      expect(result.badStatus).toBe(result.requests);
    } finally {
      status = 200;
    }
  });
});
