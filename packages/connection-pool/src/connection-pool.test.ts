import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type http from 'node:http';
import { type OriginHandler, refusedPort, startOrigin, type TestServer, tlsFixture } from '@relay/test-support/servers';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionPool } from './connection-pool.js';
import { type ConnectionPoolEvents, diagnosticsChannelName } from './events.js';
import type { ConnectionPoolOptions } from './pool-options.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function origin(options: { tls?: boolean; handler?: OriginHandler } = {}) {
  const server = await startOrigin(options);
  cleanups.push(() => server.close());
  return server;
}

function pool(options: ConnectionPoolOptions = {}): ConnectionPool {
  const created = new ConnectionPool({ connect: { ca: tlsFixture.cert }, health: { active: false }, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function get(connectionPool: ConnectionPool, server: TestServer, path = '/'): Promise<string> {
  const response = await request(`${server.url}${path}`, { dispatcher: connectionPool.get(server.url) });
  return await response.body.text();
}

function collect<Name extends keyof ConnectionPoolEvents>(connectionPool: ConnectionPool, event: Name) {
  const seen: Array<ConnectionPoolEvents[Name][0]> = [];
  (connectionPool.on as (name: string, listener: (payload: ConnectionPoolEvents[Name][0]) => void) => void)(
    event,
    (payload) => seen.push(payload),
  );
  return seen;
}

/** A handler that holds every response until `count` requests are waiting, then answers them all. */
function barrier(count: number): OriginHandler {
  const waiting: http.ServerResponse[] = [];
  return (_request, response) => {
    waiting.push(response);
    if (waiting.length >= count) for (const held of waiting.splice(0)) held.end('ok');
  };
}

describe('ConnectionPool', () => {
  it('serves sequential requests over one kept-alive socket, HTTP and HTTPS', async () => {
    for (const tls of [false, true]) {
      const server = await origin({ tls });
      const connectionPool = pool();
      for (let index = 0; index < 5; index += 1) {
        expect(await get(connectionPool, server)).toBe('ok');
        // undici reuses a socket one event-loop turn after its response ends (it first checks the server did not
        // close it); a request sent in the same turn would get a second socket.
        await new Promise(setImmediate);
      }
      expect(server.connections).toHaveLength(1);
      expect(new Set(server.requestPorts).size).toBe(1);
      expect(connectionPool.keyStats(server.url)?.requests).toBe(5);
    }
  });

  it('hands out the same dispatcher for the same key, however the origin is spelled', async () => {
    const server = await origin();
    const connectionPool = pool();
    const first = connectionPool.get(server.url);
    expect(connectionPool.get(`${server.url}/`)).toBe(first);
    expect(connectionPool.get(new URL(server.url))).toBe(first);
    expect(connectionPool.get(server.url.replace('127.0.0.1', 'localhost'))).not.toBe(first);
    const { cache, dispatchers } = connectionPool.stats();
    expect(dispatchers).toBe(2);
    expect(cache).toEqual({ hits: 2, misses: 2, hitRate: 0.5 });
  });

  it('evicts the least recently used dispatcher beyond maxDispatchers and closes its sockets', async () => {
    const servers = [await origin(), await origin(), await origin()];
    const connectionPool = pool({ maxDispatchers: 2 });
    const evicted = collect(connectionPool, 'dispatcher-evicted');
    await get(connectionPool, servers[0] as TestServer);
    await get(connectionPool, servers[1] as TestServer);
    expect(servers[0]?.openConnections()).toBe(1);
    await get(connectionPool, servers[2] as TestServer);
    expect(evicted).toEqual([{ key: servers[0]?.url, origin: servers[0]?.url, proxy: undefined, reason: 'evict' }]);
    await vi.waitFor(() => expect(servers[0]?.openConnections()).toBe(0), { timeout: 10_000 });
    expect(servers[1]?.openConnections()).toBe(1);
    expect(connectionPool.stats().dispatchers).toBe(2);
  });

  it('closes a dispatcher idle past its TTL at cleanup, letting its in-flight request finish', async () => {
    let release: (() => void) | undefined;
    const server = await origin({
      handler: (_request, response) => {
        release = () => response.end('late but whole');
      },
    });
    const connectionPool = pool({ dispatcherTtl: 20 });
    const evicted = collect(connectionPool, 'dispatcher-evicted');
    const pending = request(server.url, { dispatcher: connectionPool.get(server.url) });
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    connectionPool.cleanup();
    expect(evicted.map((event) => event.reason)).toEqual(['expire']);
    release?.();
    expect(await (await pending).body.text()).toBe('late but whole');
    await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 10_000 });
  });

  it('grows to connections.max under concurrent load, queues the rest, and shrinks after the keep-alive timeout', async () => {
    const server = await origin({ handler: barrier(4) });
    const connectionPool = pool({ connections: { min: 0, max: 4 }, keepAliveTimeout: 300 });
    const closed = collect(connectionPool, 'connection-closed');
    const dispatcher = connectionPool.get(server.url);
    const responses = Array.from({ length: 8 }, () => request(server.url, { dispatcher }));
    await vi.waitFor(() => expect(connectionPool.keyStats(server.url)?.connections.pending).toBeGreaterThan(0));
    for (const response of await Promise.all(responses)) expect(await response.body.text()).toBe('ok');
    expect(server.connections).toHaveLength(4);
    const grown = connectionPool.keyStats(server.url)?.connections;
    expect(grown).toMatchObject({ open: 4, busy: 0, idle: 4, highWater: 4, max: 4 });
    await vi.waitFor(() => expect(connectionPool.keyStats(server.url)?.connections.open).toBe(0), { timeout: 10_000 });
    expect(closed).toHaveLength(4);
    // The pool closed its side; the server sees each FIN a moment later (CI saw 4 still open at that instant).
    await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 10_000 });
    expect(connectionPool.keyStats(server.url)?.connections.highWater).toBe(4);
  });

  it('warm-up opens connections.min TLS connections before the first request, which then uses one of them', async () => {
    const server = await origin({ tls: true });
    const connectionPool = pool({ connections: { min: 2, max: 10 } });
    const warmed = collect(connectionPool, 'warmup-completed');
    const [result] = await connectionPool.warmup([server.url]);
    expect(result).toMatchObject({ key: server.url, ok: true, opened: 2, error: undefined });
    expect(warmed).toMatchObject([{ key: server.url, ok: true, opened: 2 }]);
    // With TLS 1.3 the server completes its side of the handshake just after the client: wait for it.
    await vi.waitFor(() => expect(server.connections).toHaveLength(2), { timeout: 10_000 });
    expect(connectionPool.keyStats(server.url)?.connections).toMatchObject({ open: 2, reserved: 2, idle: 2 });
    const warmPorts = server.connections.map((socket) => socket.remotePort);

    expect(await get(connectionPool, server)).toBe('ok');
    expect(server.connections).toHaveLength(2);
    expect(warmPorts).toContain(server.requestPorts[0]);
    expect(connectionPool.keyStats(server.url)?.connections).toMatchObject({ open: 2, reserved: 1 });
  });

  it('keeps connections.min open for a warmed key after idle sockets time out', async () => {
    const server = await origin({ handler: barrier(4) });
    const connectionPool = pool({ connections: { min: 2, max: 4 }, keepAliveTimeout: 300 });
    await connectionPool.warmup([server.url]);
    const dispatcher = connectionPool.get(server.url);
    await Promise.all(Array.from({ length: 4 }, async () => (await request(server.url, { dispatcher })).body.text()));
    expect(connectionPool.keyStats(server.url)?.connections.highWater).toBe(4);
    // The four pool sockets time out; the reserve is refilled to min.
    await vi.waitFor(
      () => {
        const connections = connectionPool.keyStats(server.url)?.connections;
        expect(connections).toMatchObject({ open: 2, reserved: 2 });
        expect(server.openConnections()).toBe(2);
      },
      { timeout: 15_000, interval: 100 },
    );
  });

  it('reports warm-up failures without throwing', async () => {
    const port = await refusedPort();
    const connectionPool = pool();
    const results = await connectionPool.warmup([`http://127.0.0.1:${port}`, 'ftp://example.com']);
    expect(results[0]).toMatchObject({ ok: false, opened: 0 });
    expect(results[0]?.error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(results[1]).toMatchObject({ ok: false, key: '[invalid target]' });
    expect(results[1]?.error).toMatchObject({ code: 'RELAY_ERR_POOL_INVALID_OPTION' });
  });

  it('publishes request-completed with the status, duration and no error for a success', async () => {
    const server = await origin();
    const connectionPool = pool();
    const completed = collect(connectionPool, 'request-completed');
    await get(connectionPool, server);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ key: server.url, method: 'GET', statusCode: 200, outcome: 'success' });
    expect(completed[0]?.errorCode).toBeUndefined();
    expect(completed[0]?.durationMs).toBeGreaterThan(0);
    const stats = connectionPool.stats();
    expect(stats.requests).toBe(1);
    expect(stats.keys[0]?.latency?.count).toBe(1);
    expect(stats.circuits).toEqual({ closed: 1, open: 0, 'half-open': 0 });
  });

  it('mirrors its events on node:diagnostics_channel for collectors that do not hold the pool', async () => {
    const server = await origin();
    const connectionPool = pool();
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    diagnosticsChannel.subscribe(diagnosticsChannelName('request-completed'), listener);
    try {
      await get(connectionPool, server);
    } finally {
      diagnosticsChannel.unsubscribe(diagnosticsChannelName('request-completed'), listener);
    }
    expect(diagnosticsChannelName('request-completed')).toBe('relay:connection-pool:request-completed');
    expect(seen).toMatchObject([{ key: server.url, statusCode: 200, outcome: 'success' }]);
  });

  it('close() drains in-flight requests, closes every socket, and refuses further use', async () => {
    let release: (() => void) | undefined;
    const server = await origin({
      handler: (_request, response) => {
        release = () => response.end('drained');
      },
    });
    const connectionPool = pool();
    const pending = request(server.url, { dispatcher: connectionPool.get(server.url) });
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 10_000 });
    const closing = connectionPool.close();
    release?.();
    expect(await (await pending).body.text()).toBe('drained');
    await closing;
    await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 10_000 });
    expect(() => connectionPool.get(server.url)).toThrow(expect.objectContaining({ code: 'RELAY_ERR_POOL_CLOSED' }));
  });

  it('leaves nothing that keeps the process alive after close()', async () => {
    // A child process runs the built package (the workspace test task builds first) and must exit on its own.
    const built = new URL('../dist/index.js', import.meta.url);
    expect(existsSync(built), 'build the package first: pnpm --filter @relay/connection-pool build').toBe(true);
    const server = await origin({ tls: true });
    const script = `
      import { ConnectionPool } from ${JSON.stringify(built.href)};
      import { request } from 'undici';
      const pool = new ConnectionPool({ connect: { ca: ${JSON.stringify(tlsFixture.cert.toString())} }, connections: { min: 2 } });
      await pool.warmup([${JSON.stringify(server.url)}]);
      const response = await request(${JSON.stringify(server.url)}, { dispatcher: pool.get(${JSON.stringify(server.url)}) });
      await response.body.text();
      await pool.close();
      console.log('closed');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(output).toContain('closed');
    expect(code).toBe(0);
  });
});
