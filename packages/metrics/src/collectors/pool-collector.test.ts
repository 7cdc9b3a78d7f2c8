import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionPool, type ConnectionPoolOptions } from '@relay/connection-pool';
import { findFreePort, waitFor } from '@relay/test-support';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { parseExposition, sampleValue } from '../__fixtures__/parse-exposition.js';
import { createRelayMetrics, type RelayMetrics } from '../relay-metrics.js';
import type { ObservedPool, ObservedPoolEvents } from './observed-types.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real HTTP origin on loopback; `hold` keeps responses back until `release()`. */
async function startOrigin(options: { hold?: boolean } = {}) {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((_request, response) => {
    if (options.hold) held.push(response);
    else response.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url,
    held,
    release: () => {
      for (const response of held.splice(0)) response.end('ok');
    },
  };
}

function poolFor(options: ConnectionPoolOptions = {}): ConnectionPool {
  const pool = new ConnectionPool({ health: { active: false }, ...options });
  cleanups.push(() => pool.close());
  return pool;
}

function metricsFor(): RelayMetrics {
  const metrics = createRelayMetrics({
    defaultMetrics: false,
    evaluationIntervalMs: false,
    thresholds: {
      connectionErrorRate: false,
      sessionSurvivalRate: false,
      cacheHitRate: false,
      processMemoryBytes: false,
    },
  });
  cleanups.push(() => metrics.close());
  return metrics;
}

/** One GET through the pool's dispatcher for `origin`; resolves the body, or the error's code. */
async function get(pool: ConnectionPool, origin: string): Promise<string> {
  try {
    const response = await pool.get(origin).request({ origin, path: '/', method: 'GET' });
    return await response.body.text();
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

async function scrape(metrics: RelayMetrics) {
  return parseExposition((await metrics.metrics()).body);
}

describe('collectPool', () => {
  it('fits a real ConnectionPool as it is (a type test, checked by tsc)', () => {
    expectTypeOf<ConnectionPool>().toExtend<ObservedPool>();
  });

  it('reports requests, connections by state, dispatcher cache, connection errors and breakers of a real pool', async () => {
    const origin = await startOrigin();
    const refused = `http://127.0.0.1:${await findFreePort()}`;
    const pool = poolFor({ health: { active: false, maxFailures: 2 } });
    const metrics = metricsFor();
    metrics.collectPool(pool, { recordRequests: true });

    for (let index = 0; index < 3; index += 1) expect(await get(pool, origin.url)).toBe('ok');
    const opened = once(pool, 'circuit-opened');
    expect(await get(pool, refused)).toBe('ECONNREFUSED');
    expect(await get(pool, refused)).toBe('ECONNREFUSED');
    await opened;
    expect(await get(pool, refused)).toBe('RELAY_ERR_POOL_CIRCUIT_OPEN');

    const exposition = await scrape(metrics);
    const requests = 'relay_upstream_requests_total';
    expect(sampleValue(exposition, requests, { origin: origin.url, status_class: '2xx', outcome: 'success' })).toBe(3);
    expect(
      sampleValue(exposition, requests, { origin: refused, status_class: 'none', outcome: 'connection_error' }),
    ).toBe(2);
    expect(sampleValue(exposition, requests, { origin: refused, outcome: 'rejected' })).toBe(1);
    expect(
      sampleValue(exposition, 'relay_pool_connection_errors_total', { origin: refused, code: 'ECONNREFUSED' }),
    ).toBe(2);

    // Kept-alive sockets to the origin, all idle now; nothing busy, nothing queued.
    const idle = pool.keyStats(origin.url)?.connections.idle;
    expect(idle).toBeGreaterThanOrEqual(1);
    expect(sampleValue(exposition, 'relay_pool_connections', { origin: origin.url, state: 'idle' })).toBe(idle);
    expect(sampleValue(exposition, 'relay_pool_connections', { origin: origin.url, state: 'busy' })).toBe(0);
    expect(sampleValue(exposition, 'relay_pool_queued_requests', { origin: origin.url })).toBe(0);

    const { hits, misses } = pool.stats().cache;
    expect(misses).toBe(2);
    expect(sampleValue(exposition, 'relay_pool_dispatcher_cache_lookups_total', { result: 'miss' })).toBe(misses);
    expect(sampleValue(exposition, 'relay_pool_dispatcher_cache_lookups_total', { result: 'hit' })).toBe(hits);

    expect(sampleValue(exposition, 'relay_pool_breaker_transitions_total', { origin: refused, state: 'open' })).toBe(1);
    expect(sampleValue(exposition, 'relay_pool_breakers', { origin: refused, state: 'open' })).toBe(1);
    expect(sampleValue(exposition, 'relay_pool_breakers', { origin: origin.url, state: 'closed' })).toBe(1);

    // The window saw them too: 2 connection errors out of 6 requests.
    expect(metrics.windowStats()).toMatchObject({ upstreamRequests: 6, connectionErrors: 2 });
  });

  it("counts the pool's requests only when asked (the relay records its own, with the account)", async () => {
    const origin = await startOrigin();
    const pool = poolFor();
    const metrics = metricsFor();
    metrics.collectPool(pool);
    expect(await get(pool, origin.url)).toBe('ok');
    const exposition = await scrape(metrics);
    expect(exposition.get('relay_upstream_requests_total')?.series ?? []).toEqual([]);
    expect(sampleValue(exposition, 'relay_pool_connections', { origin: origin.url, state: 'idle' })).toBeGreaterThan(0);
  });

  it('reports proxy tests without credentials', async () => {
    const pool = poolFor();
    const metrics = metricsFor();
    metrics.collectPool(pool);
    const port = await findFreePort();
    const result = await pool.testProxy(`http://relay-user:s3cr3t-Pa55word@127.0.0.1:${port}`, 'https://example.com');
    expect(result.ok).toBe(false);
    const { body } = await metrics.metrics();
    expect(body).not.toContain('s3cr3t');
    expect(body).not.toContain('relay-user');
    const exposition = parseExposition(body);
    expect(
      sampleValue(exposition, 'relay_proxy_tests_total', { proxy: `http://127.0.0.1:${port}`, result: 'failed' }),
    ).toBe(1);
  });

  it('samples utilisation as busy / max connections and fires and resolves the pool-utilisation alert', async () => {
    const origin = await startOrigin({ hold: true });
    const pool = poolFor({ connections: { min: 0, max: 2 } });
    const metrics = metricsFor();
    metrics.collectPool(pool);
    const fired = once(metrics, 'alert-fired');

    const inFlight = [get(pool, origin.url), get(pool, origin.url), get(pool, origin.url)];
    await waitFor(() => origin.held.length === 2);
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_pool_connections', { origin: origin.url, state: 'busy' })).toBe(2);
    expect(sampleValue(exposition, 'relay_pool_queued_requests', { origin: origin.url })).toBe(1);

    const now = Date.now();
    metrics.evaluate(now);
    expect(await fired).toEqual([expect.objectContaining({ name: 'pool-utilisation', value: 1, limit: 0.9 })]);

    origin.release();
    await waitFor(() => origin.held.length === 1);
    origin.release();
    expect(await Promise.all(inFlight)).toEqual(['ok', 'ok', 'ok']);
    // Samples 1, 0, 0, 0: the window mean falls to 0.25, below 0.9 - 0.05, three evaluations in a row.
    metrics.evaluate(now + 1);
    metrics.evaluate(now + 2);
    expect(metrics.alerts()).toHaveLength(1);
    metrics.evaluate(now + 3);
    expect(metrics.alerts()).toEqual([]);
    expect(metrics.windowStats(now + 3).poolUtilisation).toBe(0.25);
  });

  it('detaches cleanly: no listener left on the pool, nothing recorded afterwards', async () => {
    const origin = await startOrigin();
    const pool = poolFor();
    const metrics = metricsFor();
    const events = Object.keys({
      'request-completed': 0,
      'connection-errored': 0,
      'circuit-opened': 0,
      'circuit-half-opened': 0,
      'circuit-closed': 0,
      'health-checked': 0,
      'proxy-tested': 0,
    } satisfies Record<keyof ObservedPoolEvents, 0>) as (keyof ObservedPoolEvents)[];
    const before = events.map((event) => pool.listenerCount(event));

    const collector = metrics.collectPool(pool, { recordRequests: true });
    expect(events.map((event) => pool.listenerCount(event))).not.toEqual(before);
    expect(await get(pool, origin.url)).toBe('ok');
    collector.detach();
    collector.detach();
    expect(events.map((event) => pool.listenerCount(event))).toEqual(before);

    expect(await get(pool, origin.url)).toBe('ok');
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_upstream_requests_total', { origin: origin.url })).toBe(1);
    expect(exposition.get('relay_pool_connections')?.series ?? []).toEqual([]);

    // close() detaches whatever is still attached.
    metrics.collectPool(pool);
    metrics.close();
    expect(events.map((event) => pool.listenerCount(event))).toEqual(before);
    expect(() => metrics.collectPool(pool)).toThrow(/closed/);
  });
});
