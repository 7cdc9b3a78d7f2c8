import https from 'node:https';
import { inspect } from 'node:util';
import {
  hasBinary,
  type ProcessProxy,
  proxyCredentials,
  refusedPort,
  startConnectProxy,
  startMicrosocks,
  startOrigin,
  startSilentServer,
  startSocksProxy,
  startTinyproxy,
  type TestServer,
  tlsFixture,
} from '@relay/test-support/servers';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from './connection-pool.js';
import { ConnectionPoolError, ProxyUnreachableError, TlsHandshakeError } from './errors.js';
import { testProxy } from './proxy/test-proxy.js';

const { username, password } = proxyCredentials;
const cleanups: Array<() => Promise<void>> = [];
let origin: Awaited<ReturnType<typeof startOrigin>>;
let plainOrigin: Awaited<ReturnType<typeof startOrigin>>;

beforeAll(async () => {
  origin = await startOrigin({ tls: true });
  plainOrigin = await startOrigin();
});

afterAll(async () => {
  await origin.close();
  await plainOrigin.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function pool(): ConnectionPool {
  const created = new ConnectionPool({
    connect: { ca: tlsFixture.cert },
    proxyTls: { ca: tlsFixture.cert },
    connectTimeout: 2_000,
    health: { active: false },
  });
  cleanups.push(() => created.close());
  return created;
}

function withCredentials(url: string, user = username, secret = password): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = secret;
  return parsed.href;
}

/** Everything a user could print of an error: message, stack, every own property, the cause chain. */
function printed(value: unknown): string {
  return `${inspect(value, { depth: 10, showHidden: true })}\n${JSON.stringify(value)}`;
}

async function fetchThrough(connectionPool: ConnectionPool, proxy: string, target = origin): Promise<string> {
  const response = await request(`${target.url}/`, { dispatcher: connectionPool.get(target.url, { proxy }) });
  return await response.body.text();
}

/** A proxy to run the shared route tests against. */
interface ProxyUnderTest {
  name: string;
  available: boolean;
  start(): Promise<{ url: string; stop(): Promise<void>; tunnelsOpened(): number }>;
}

function fromServer(server: TestServer, url = server.url) {
  return { url, stop: () => server.close(), tunnelsOpened: () => server.connections.length };
}

function fromProcess(process: ProcessProxy, scheme: string) {
  return { url: `${scheme}://127.0.0.1:${process.port}`, stop: () => process.stop(), tunnelsOpened: () => Number.NaN };
}

const proxies: ProxyUnderTest[] = [
  { name: 'HTTP CONNECT (proxy)', available: true, start: async () => fromServer(await startConnectProxy()) },
  {
    name: 'HTTP CONNECT with auth (proxy)',
    available: true,
    start: async () => {
      const server = await startConnectProxy({ auth: true });
      return fromServer(server, withCredentials(server.url));
    },
  },
  {
    name: 'HTTPS CONNECT with auth (proxy over TLS)',
    available: true,
    start: async () => {
      const server = await startConnectProxy({ auth: true, tls: true });
      return fromServer(server, withCredentials(server.url.replace('127.0.0.1', 'localhost')));
    },
  },
  { name: 'SOCKS5 (simple-socks)', available: true, start: async () => fromServer(await startSocksProxy()) },
  {
    name: 'SOCKS5 with auth (simple-socks)',
    available: true,
    start: async () => {
      const server = await startSocksProxy({ auth: true });
      return fromServer(server, withCredentials(server.url));
    },
  },
  {
    name: 'SOCKS5h with auth (simple-socks, the proxy resolves localhost)',
    available: true,
    start: async () => {
      const server = await startSocksProxy({ auth: true });
      return fromServer(server, withCredentials(server.url.replace('socks5:', 'socks5h:')));
    },
  },
  {
    name: 'SOCKS5 (microsocks)',
    available: hasBinary('microsocks'),
    start: async () => fromProcess(await startMicrosocks(), 'socks5'),
  },
  {
    name: 'SOCKS5 with auth (microsocks)',
    available: hasBinary('microsocks'),
    start: async () => {
      const proxy = await startMicrosocks({ auth: true });
      return { ...fromProcess(proxy, 'socks5'), url: withCredentials(`socks5://127.0.0.1:${proxy.port}`) };
    },
  },
  {
    name: 'HTTP CONNECT (tinyproxy)',
    available: hasBinary('tinyproxy'),
    start: async () => fromProcess(await startTinyproxy(), 'http'),
  },
  {
    name: 'HTTP CONNECT with auth (tinyproxy)',
    available: hasBinary('tinyproxy'),
    start: async () => {
      const proxy = await startTinyproxy({ auth: true });
      return { ...fromProcess(proxy, 'http'), url: withCredentials(`http://127.0.0.1:${proxy.port}`) };
    },
  },
];

// CI installs microsocks and tinyproxy; a run there without them must fail, not skip silently.
it('has the Debian proxies when CI=true', () => {
  if (process.env.CI === 'true') {
    expect(hasBinary('microsocks')).toBe(true);
    expect(hasBinary('tinyproxy')).toBe(true);
  }
});

describe.each(proxies)('through $name', ({ available, start }) => {
  it.skipIf(!available)('reaches HTTPS and HTTP origins, reusing the tunnelled socket', async () => {
    const proxy = await start();
    cleanups.push(() => proxy.stop());
    const connectionPool = pool();
    const before = origin.connections.length;
    expect(await fetchThrough(connectionPool, proxy.url)).toBe('ok');
    await new Promise(setImmediate);
    expect(await fetchThrough(connectionPool, proxy.url)).toBe('ok');
    expect(origin.connections.length - before).toBe(1);
    expect(await fetchThrough(connectionPool, proxy.url, plainOrigin)).toBe('ok');
    if (!Number.isNaN(proxy.tunnelsOpened())) expect(proxy.tunnelsOpened()).toBe(2);
    expect((await connectionPool.testProxy(proxy.url, origin.url)).ok).toBe(true);

    const stats = JSON.stringify(connectionPool.stats());
    expect(stats).not.toContain(password);
    expect(stats).not.toContain(username);
  });

  it.skipIf(!available)('serves node:https through the cached Node agent of the same key', async () => {
    const proxy = await start();
    cleanups.push(() => proxy.stop());
    const connectionPool = pool();
    const agent = connectionPool.nodeAgent(origin.url, { proxy: proxy.url });
    expect(connectionPool.nodeAgent(origin.url, { proxy: proxy.url })).toBe(agent);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${origin.url}/`, { agent }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('ok');
  });
});

describe('proxy failures are typed and never carry credentials', () => {
  const wrong = 'wr0ng-Pa55word';

  it.each([
    ['HTTP CONNECT', () => startConnectProxy({ auth: true })],
    ['SOCKS5', () => startSocksProxy({ auth: true })],
  ])('%s: wrong and missing credentials give RELAY_ERR_POOL_PROXY_AUTH', async (_name, startProxy) => {
    const server = await startProxy();
    cleanups.push(() => server.close());
    const connectionPool = pool();
    const errors: unknown[] = [];
    connectionPool.on('connection-errored', (event) => errors.push(event));
    for (const proxy of [withCredentials(server.url, username, wrong), server.url]) {
      const failure = await fetchThrough(connectionPool, proxy).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConnectionPoolError);
      expect(failure).toMatchObject({ code: 'RELAY_ERR_POOL_PROXY_AUTH' });
      expect(printed(failure)).not.toContain(wrong);

      const tested = await connectionPool.testProxy(proxy, origin.url);
      expect(tested).toMatchObject({ ok: false, error: { code: 'RELAY_ERR_POOL_PROXY_AUTH' } });
      expect(printed(tested)).not.toContain(wrong);
    }
    const everything = printed({ stats: connectionPool.stats(), errors });
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(username);
  });

  it.skipIf(!hasBinary('microsocks'))('microsocks: wrong credentials give RELAY_ERR_POOL_PROXY_AUTH', async () => {
    const proxy = await startMicrosocks({ auth: true });
    cleanups.push(() => proxy.stop());
    const result = await testProxy(withCredentials(`socks5://127.0.0.1:${proxy.port}`, username, wrong), origin.url, {
      connect: { ca: tlsFixture.cert },
    });
    expect(result.error?.code).toBe('RELAY_ERR_POOL_PROXY_AUTH');
    expect(printed(result)).not.toContain(wrong);
  });

  it.skipIf(!hasBinary('tinyproxy'))('tinyproxy: wrong credentials give RELAY_ERR_POOL_PROXY_AUTH', async () => {
    const proxy = await startTinyproxy({ auth: true });
    cleanups.push(() => proxy.stop());
    const result = await testProxy(withCredentials(`http://127.0.0.1:${proxy.port}`, username, wrong), origin.url, {
      connect: { ca: tlsFixture.cert },
    });
    expect(result.error?.code).toBe('RELAY_ERR_POOL_PROXY_AUTH');
    expect(printed(result)).not.toContain(wrong);
  });

  it.each([
    ['http', 'RELAY_ERR_POOL_PROXY_UNREACHABLE'],
    ['socks5', 'RELAY_ERR_POOL_PROXY_UNREACHABLE'],
  ])('%s proxy on a refused port: %s', async (scheme, code) => {
    const port = await refusedPort();
    const result = await testProxy(`${scheme}://${username}:${wrong}@127.0.0.1:${port}`, origin.url);
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(ProxyUnreachableError);
    expect(result.error?.code).toBe(code);
    expect(result.error?.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(result.error?.message).toContain(`${scheme}://***@127.0.0.1:${port}`);
    expect(printed(result)).not.toContain(wrong);
  });

  it.each(['http', 'socks5'])('%s proxy that never answers: RELAY_ERR_POOL_PROXY_TIMEOUT', async (scheme) => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const result = await testProxy(`${scheme}://${username}:${wrong}@127.0.0.1:${silent.port}`, origin.url, {
      timeout: 300,
    });
    expect(result.error?.code).toBe('RELAY_ERR_POOL_PROXY_TIMEOUT');
    expect(printed(result)).not.toContain(wrong);
  });

  it.each([
    ['HTTP CONNECT', () => startConnectProxy()],
    ['SOCKS5', () => startSocksProxy()],
  ])('%s proxy that cannot reach the target: RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE', async (_name, startProxy) => {
    const server = await startProxy();
    cleanups.push(() => server.close());
    const port = await refusedPort();
    const result = await testProxy(server.url, `https://127.0.0.1:${port}`);
    expect(result.error?.code).toBe('RELAY_ERR_POOL_PROXY_TARGET_UNREACHABLE');
  });

  it('an untrusted origin certificate inside the tunnel: RELAY_ERR_POOL_TLS_HANDSHAKE', async () => {
    const server = await startSocksProxy();
    cleanups.push(() => server.close());
    const result = await testProxy(server.url, origin.url);
    expect(result.error).toBeInstanceOf(TlsHandshakeError);
    expect(result.error?.code).toBe('RELAY_ERR_POOL_TLS_HANDSHAKE');
    expect(result.error?.cause).toMatchObject({ code: (result.error as TlsHandshakeError).tlsCode });
  });

  it('an invalid proxy URL is reported, redacted, without throwing', async () => {
    const result = await testProxy(`ftp://${username}:${wrong}@127.0.0.1:1`, origin.url);
    expect(result.error?.code).toBe('RELAY_ERR_POOL_INVALID_OPTION');
    expect(printed(result)).not.toContain(wrong);
  });
});
