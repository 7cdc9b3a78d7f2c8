import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
// The connection-pool package owns the real proxy servers its tests run against; the relay reuses them.
import { proxyCredentials, startConnectProxy, startSocksProxy, type TestServer } from '@relay/test-support/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

describe('accounts behind proxies, to an HTTPS upstream', () => {
  let mock: MockAnthropic;
  let socksProxy: TestServer;
  let connectProxy: TestServer & { readonly tunnels: string[] };
  let relay: RelayProcess;

  beforeAll(async () => {
    mock = await createMockAnthropic({ tls: true });
    const caFile = join(mkdtempSync(join(tmpdir(), 'relay-ca-')), 'mock-ca.pem');
    writeFileSync(caFile, mock.certificate ?? '');
    socksProxy = await startSocksProxy({ auth: true });
    connectProxy = await startConnectProxy({ auth: true });
    const credentials = `${proxyCredentials.username}:${proxyCredentials.password}@`;
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url, caFile },
      accounts: [
        {
          id: 'via-socks',
          apiKey: 'sk-ant-via-socks',
          proxy: `socks5://${credentials}127.0.0.1:${socksProxy.port}`,
          priority: 0,
        },
        {
          id: 'via-http',
          apiKey: 'sk-ant-via-http',
          proxy: `http://${credentials}127.0.0.1:${connectProxy.port}`,
          priority: 1,
        },
      ],
      admin: { token: 'admin-token-for-proxy-tests' },
    });
  });
  afterAll(async () => {
    await stopAllRelays();
    await Promise.all([mock.close(), socksProxy.close(), connectProxy.close()]);
  });

  it('reaches the upstream through a SOCKS5 proxy and through an HTTP CONNECT proxy, TLS inside the tunnel', async () => {
    const client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
    const request = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user' as const, content: 'x' }] };
    // Priorities make the first choice certain (equal accounts share new sessions at random).
    await client.messages.create(request, { headers: { 'x-claude-code-session-id': crypto.randomUUID() } });
    expect(mock.received.at(-1)?.apiKey).toBe('sk-ant-via-socks');
    expect(socksProxy.connections.length).toBeGreaterThan(0);

    // The SOCKS account's upstream rate-limits it: the session moves to the account behind the HTTP proxy.
    mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 }, { apiKey: 'sk-ant-via-socks' });
    await client.messages.create(request, { headers: { 'x-claude-code-session-id': crypto.randomUUID() } });
    expect(mock.received.at(-1)?.apiKey).toBe('sk-ant-via-http');
    expect(connectProxy.tunnels).toContain(`127.0.0.1:${new URL(mock.url).port}`);
  });

  it('never shows the proxy credentials in stats, metrics or logs', async () => {
    const stats = await fetch(`${relay.url}/admin/stats`, {
      headers: { authorization: 'Bearer admin-token-for-proxy-tests' },
    }).then((response) => response.text());
    const metrics = await fetch(`${relay.url}/metrics`).then((response) => response.text());
    expect(stats).toContain('via-socks');
    for (const text of [stats, metrics, relay.output.join('\n')]) {
      expect(text).not.toContain(proxyCredentials.password);
      expect(text).not.toContain('sk-ant-via-');
    }
  });
});
