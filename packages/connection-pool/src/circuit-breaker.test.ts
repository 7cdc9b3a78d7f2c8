import { once } from 'node:events';
import {
  type OriginHandler,
  refusedPort,
  resetMidResponse,
  startOrigin,
  tlsFixture,
} from '@relay/test-support/servers';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, type CircuitTransition } from './circuit-breaker.js';
import { ConnectionPool } from './connection-pool.js';
import { CircuitOpenError } from './errors.js';
import type { CircuitEvent } from './events.js';
import type { ConnectionPoolOptions } from './pool-options.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function pool(options: ConnectionPoolOptions): ConnectionPool {
  const created = new ConnectionPool({ connect: { ca: tlsFixture.cert }, ...options });
  cleanups.push(() => created.close());
  return created;
}

/** An origin that drops every connection while `broken` is set, and answers 200 otherwise. */
async function flakyOrigin(options: { tls?: boolean } = {}) {
  const state = { broken: true };
  const handler: OriginHandler = (request, response) => {
    if (state.broken) request.socket.destroy();
    else response.end('ok');
  };
  const server = await startOrigin({ ...options, handler });
  cleanups.push(() => server.close());
  return { server, state };
}

/** The status of an answer, or the code of the failure (a failure without a code fails the test here). */
async function send(connectionPool: ConnectionPool, url: string): Promise<{ status?: number; code?: string }> {
  try {
    const response = await request(url, { dispatcher: connectionPool.get(url) });
    await response.body.text();
    return { status: response.statusCode };
  } catch (error) {
    expect(error).toHaveProperty('code', expect.any(String));
    return { code: (error as { code: string }).code };
  }
}

describe('circuit breaker through the pool', () => {
  it('opens after maxFailures consecutive failures, then fails fast without touching a socket', async () => {
    const { server } = await flakyOrigin();
    const connectionPool = pool({ health: { active: false, maxFailures: 3, recoveryTime: 60_000 } });
    const opened: CircuitEvent[] = [];
    connectionPool.on('circuit-opened', (event) => opened.push(event));

    // undici reports a socket the server destroyed as SocketError ('other side closed').
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect(await send(connectionPool, server.url)).toEqual({ code: 'UND_ERR_SOCKET' });
    expect(connectionPool.circuitState(server.url)).toBe('closed');
    expect(connectionPool.isAvailable(server.url)).toBe(true);
    await send(connectionPool, server.url);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ key: server.url, from: 'closed', to: 'open', failures: 3, openings: 1 });
    expect(connectionPool.isAvailable(server.url)).toBe(false);

    const connectionsBefore = server.connections.length;
    const refused = await request(server.url, { dispatcher: connectionPool.get(server.url) }).catch((error) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ code: 'RELAY_ERR_POOL_CIRCUIT_OPEN', key: server.url });
    expect(server.connections.length).toBe(connectionsBefore);
    expect(connectionPool.stats().errors.RELAY_ERR_POOL_CIRCUIT_OPEN).toBe(1);
  });

  it('half-opens after the recovery time and closes on a successful trial request', async () => {
    const { server, state } = await flakyOrigin();
    const connectionPool = pool({ health: { active: false, maxFailures: 1, recoveryTime: 50 } });
    const transitions: string[] = [];
    for (const event of ['circuit-opened', 'circuit-half-opened', 'circuit-closed'] as const) {
      connectionPool.on(event, (payload) => transitions.push(`${payload.from}->${payload.to}`));
    }
    await send(connectionPool, server.url);
    expect(connectionPool.circuitState(server.url)).toBe('open');
    state.broken = false;
    await once(connectionPool, 'circuit-half-opened');
    expect(connectionPool.isAvailable(server.url)).toBe(true);
    expect(await send(connectionPool, server.url)).toEqual({ status: 200 });
    expect(connectionPool.circuitState(server.url)).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('re-opens on a failed half-open probe, with a longer recovery time', async () => {
    const port = await refusedPort();
    const url = `http://127.0.0.1:${port}`;
    const connectionPool = pool({ health: { active: true, maxFailures: 1, recoveryTime: 40, maxRecoveryTime: 1_000 } });
    const events: CircuitEvent[] = [];
    for (const event of ['circuit-opened', 'circuit-half-opened', 'circuit-closed'] as const) {
      connectionPool.on(event, (payload) => events.push(payload));
    }
    expect((await send(connectionPool, url)).code).toBe('ECONNREFUSED');
    // The active probe at half-open fails (nothing listens): the circuit re-opens, waiting twice as long.
    await vi.waitFor(() => expect(events.filter((event) => event.to === 'open')).toHaveLength(2), { timeout: 10_000 });
    const [first, second] = events.filter((event) => event.to === 'open');
    expect(second).toMatchObject({ from: 'half-open', openings: 2, errorCode: 'ECONNREFUSED' });
    expect(first?.openings).toBe(1);
  });

  it('closes a half-open circuit on a successful active probe, without any request', async () => {
    const { server, state } = await flakyOrigin({ tls: true });
    const connectionPool = pool({
      health: { active: true, maxFailures: 2, recoveryTime: 40, probe: { path: '/health', method: 'GET' } },
    });
    await send(connectionPool, server.url);
    await send(connectionPool, server.url);
    expect(connectionPool.circuitState(server.url)).toBe('open');
    state.broken = false;
    const closed = await once(connectionPool, 'circuit-closed');
    expect(closed[0]).toMatchObject({ key: server.url, from: 'half-open', to: 'closed' });
    expect(connectionPool.keyStats(server.url)?.requests).toBe(2);
  });

  it('counts a reset mid-response and a server that never sends headers as failures', async () => {
    const reset = await startOrigin({ handler: resetMidResponse });
    const silent = await startOrigin({ handler: () => {} });
    cleanups.push(
      () => reset.close(),
      () => silent.close(),
    );
    const connectionPool = pool({ headersTimeout: 200, health: { active: false, maxFailures: 5 } });
    const resetResult = await send(connectionPool, reset.url);
    expect(resetResult).toEqual({ code: 'UND_ERR_SOCKET' });
    expect(await send(connectionPool, silent.url)).toEqual({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    const resetStats = connectionPool.keyStats(reset.url);
    expect(resetStats?.circuit.consecutiveFailures).toBe(1);
    expect(resetStats?.errors).toEqual({ UND_ERR_SOCKET: 1 });
    expect(connectionPool.keyStats(silent.url)?.errors).toEqual({ UND_ERR_HEADERS_TIMEOUT: 1 });
  });

  it('counts 5xx as failures only with countServerErrors, and takes outcomes reported by the caller', async () => {
    const failing = await startOrigin({
      handler: (_request, response) => {
        response.statusCode = 503;
        response.end('overloaded');
      },
    });
    cleanups.push(() => failing.close());
    const lenient = pool({ health: { active: false, maxFailures: 1 } });
    expect(await send(lenient, failing.url)).toEqual({ status: 503 });
    expect(lenient.circuitState(failing.url)).toBe('closed');
    lenient.reportOutcome(failing.url, undefined, { ok: false, errorCode: 'RELAY_ERR_UPSTREAM_OVERLOADED' });
    expect(lenient.circuitState(failing.url)).toBe('open');
    expect(lenient.stats().errors.RELAY_ERR_UPSTREAM_OVERLOADED).toBe(1);

    const strict = pool({ health: { active: false, maxFailures: 1, countServerErrors: true } });
    expect(await send(strict, failing.url)).toEqual({ status: 503 });
    expect(strict.circuitState(failing.url)).toBe('open');
  });
});

describe('CircuitBreaker', () => {
  it('doubles the recovery time with each re-opening up to the cap, and admits one half-open trial at a time', () => {
    vi.useFakeTimers({ now: 0 });
    const transitions: CircuitTransition[] = [];
    const breaker = new CircuitBreaker({ maxFailures: 2, recoveryTime: 1_000, maxRecoveryTime: 3_000 }, (transition) =>
      transitions.push(transition),
    );
    breaker.recordFailure('ECONNRESET');
    expect(breaker.state).toBe('closed');
    breaker.recordSuccess();
    breaker.recordFailure('ECONNRESET');
    expect(breaker.state).toBe('closed');
    breaker.recordFailure('ECONNRESET');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openings: 1, retryAt: 1_000 });
    expect(breaker.tryAcquire()).toBe(false);

    const delays: number[] = [];
    for (let opening = 0; opening < 3; opening += 1) {
      const openedAt = Date.now();
      vi.advanceTimersByTime((breaker.retryAt ?? 0) - openedAt);
      delays.push(Date.now() - openedAt);
      expect(breaker.state).toBe('half-open');
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.tryAcquire()).toBe(false);
      breaker.recordFailure('ETIMEDOUT');
    }
    expect(delays).toEqual([1_000, 2_000, 3_000]);
    vi.advanceTimersByTime(3_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.available).toBe(true);
    breaker.recordSuccess();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, openings: 0, retryAt: undefined });
    expect(transitions.map((transition) => transition.to)).toEqual([
      'open',
      'half-open',
      'open',
      'half-open',
      'open',
      'half-open',
      'open',
      'half-open',
      'closed',
    ]);
    breaker.dispose();
  });
});
