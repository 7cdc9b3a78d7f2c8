import type { RelayConfig } from './config/config-schema.js';

/**
 * `relay --demo`: starts @relay/mock-anthropic on a free loopback port and points a `demo` account at it, so
 * that a newcomer's first request works without an Anthropic key. Real accounts in the config are replaced.
 * The mock is imported here, on demand: a production start never loads it.
 */
export async function startDemoUpstream(
  config: RelayConfig,
): Promise<{ config: RelayConfig; applyTo(config: RelayConfig): RelayConfig; close(): Promise<void> }> {
  const { createMockAnthropic } = await import('@relay/mock-anthropic');
  const mock = await createMockAnthropic({ port: 0, host: '127.0.0.1', record: false });
  console.log(`relay --demo: mock Anthropic upstream at ${mock.url}; account "demo" points at it`);
  // A reloaded config gets the same demo upstream and account (SIGHUP).
  const applyTo = (loaded: RelayConfig): RelayConfig => ({
    ...loaded,
    upstream: { ...loaded.upstream, baseUrl: mock.url, warmup: false },
    accounts: [{ id: 'demo', apiKey: 'demo-upstream-key', priority: 0, maxConcurrency: 256 }],
  });
  return { config: applyTo(config), applyTo, close: () => mock.close() };
}
