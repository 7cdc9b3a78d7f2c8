import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { messageRequest } from './api-client.js';
import { startRawUpstream } from './fixtures/raw-upstream.js';
import { startRelayProcess, stopAllRelays } from './relay-process.js';

const upstreamKey = 'sk-ant-forwarded-headers';
const upstreams: Array<{ close(): Promise<void> }> = [];

async function relayInFrontOf(headLines: string[]) {
  const upstream = await startRawUpstream(headLines);
  upstreams.push(upstream);
  const relay = await startRelayProcess({
    upstream: { baseUrl: upstream.url, maxAttempts: 1 },
    accounts: [{ id: 'raw', apiKey: upstreamKey }],
  });
  return { upstream, relay };
}

afterEach(async () => {
  await stopAllRelays();
});
afterAll(async () => {
  await Promise.all(upstreams.map((upstream) => upstream.close()));
});

describe('headers between the client and a misbehaving upstream', () => {
  it('drops the upstream’s Trailer, Upgrade, Proxy-Authenticate and what its Connection lists; the client gets the answer', async () => {
    const { relay } = await relayInFrontOf([
      'HTTP/1.1 200 OK',
      'connection: keep-alive, x-upstream-route',
      'x-upstream-route: pod-7.internal',
      'keep-alive: timeout=5',
      'trailer: x-checksum',
      'upgrade: h2c',
      'proxy-authenticate: Basic realm="upstream"',
      'request-id: req_from_upstream',
      'anthropic-ratelimit-requests-remaining: 42',
    ]);
    const response = await fetch(`${relay.url}/v1/messages`, messageRequest(relay.clientKey));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe('msg_raw');
    for (const name of ['x-upstream-route', 'trailer', 'upgrade', 'proxy-authenticate']) {
      expect(response.headers.get(name), name).toBeNull();
    }
    // The relay's own connection to the client has its own keep-alive, not the upstream's.
    expect(response.headers.get('keep-alive')).not.toContain('timeout=5');
    expect(response.headers.get('request-id')).toBe('req_from_upstream');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('42');
    expect(relay.output.join('\n')).not.toContain('request failed');
  });

  it('forwards only the allow-listed request headers upstream', async () => {
    const { upstream, relay } = await relayInFrontOf(['HTTP/1.1 200 OK']);
    const request = messageRequest(relay.clientKey, { sessionId: 'session-headers' });
    const response = await fetch(`${relay.url}/v1/messages`, {
      ...request,
      headers: {
        ...(request.headers as Record<string, string>),
        'anthropic-beta': 'prompt-caching-2024-07-31',
        'user-agent': 'claude-cli/2.0.0 (external, cli)',
        'x-app': 'cli',
        'x-stainless-lang': 'js',
        accept: 'application/json',
        via: '1.1 edge-proxy',
        'true-client-ip': '203.0.113.7',
        'cf-connecting-ip': '203.0.113.7',
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-port': '443',
        'x-original-url': '/internal/path',
        'x-real-ip': '203.0.113.7',
        forwarded: 'for=203.0.113.7',
        cookie: 'session=abc',
        'x-internal-debug': 'on',
      },
    });
    expect(response.status).toBe(200);
    const [received] = upstream.received;
    expect(Object.keys(received?.headers ?? {}).sort()).toEqual(
      [
        'accept',
        'accept-encoding',
        'anthropic-beta',
        'anthropic-version',
        // The relay's own connection to the upstream (undici's), not the client's.
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
        'x-api-key',
        'x-app',
        'x-claude-code-session-id',
        'x-stainless-lang',
      ].sort(),
    );
    expect(received?.headers['x-api-key']).toBe(upstreamKey);
    expect(JSON.stringify(received?.headers)).not.toContain('203.0.113.7');
  });
});
