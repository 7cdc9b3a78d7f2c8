import { once } from 'node:events';
import { ConnectionPool } from '@relay/connection-pool';
import { type OriginHandler, startOrigin, type TestServer } from '@relay/test-support/servers';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Account } from './account.js';
import { RouteAvailability } from './route-availability.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An origin that drops every connection while `broken` is set, and answers 200 otherwise. */
async function flakyOrigin(): Promise<{ server: TestServer; state: { broken: boolean } }> {
  const state = { broken: true };
  const handler: OriginHandler = (incoming, response) => {
    if (state.broken) incoming.socket.destroy();
    else response.end('ok');
  };
  const server = await startOrigin({ handler });
  cleanups.push(() => server.close());
  return { server, state };
}

async function send(pool: ConnectionPool, url: string): Promise<void> {
  try {
    const response = await request(url, { dispatcher: pool.get(url) });
    await response.body.text();
  } catch {
    // The breaker counted it.
  }
}

describe('RouteAvailability', () => {
  it("answers as the pool's breaker does, through open, half-open and closed", async () => {
    const { server, state } = await flakyOrigin();
    const pool = new ConnectionPool({ health: { active: false, maxFailures: 1, recoveryTime: 100 } });
    cleanups.push(() => pool.close());
    const routes = new RouteAvailability(pool, server.url);
    cleanups.push(() => routes.close());
    const direct = new Account({ id: 'direct', apiKey: 'sk-direct', priority: 0, maxConcurrency: 4 });
    // Another route (a proxy) the pool has never used: no breaker, so usable.
    const proxied = new Account({
      id: 'proxied',
      apiKey: 'sk-proxied',
      priority: 0,
      maxConcurrency: 4,
      proxy: 'http://127.0.0.1:9',
    });
    const agrees = () => {
      for (const account of [direct, proxied]) {
        expect(routes.isUsable(account)).toBe(pool.isAvailable(server.url, { proxy: account.proxy }));
      }
    };
    expect(routes.isUsable(direct)).toBe(true);

    await send(pool, server.url);
    expect(pool.circuitState(server.url)).toBe('open');
    expect(routes.isUsable(direct)).toBe(false);
    expect(routes.isUsable(proxied)).toBe(true);
    agrees();

    await once(pool, 'circuit-half-opened');
    expect(routes.isUsable(direct)).toBe(true);
    // The trial in flight takes the half-open circuit's only admission: no other request may pass meanwhile.
    state.broken = false;
    const trial = send(pool, server.url);
    agrees();
    await trial;
    expect(pool.circuitState(server.url)).toBe('closed');
    expect(routes.isUsable(direct)).toBe(true);
    agrees();
  });
});
