import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionPool, type ConnectionPoolOptions, type RouteOptions } from '@relay/connection-pool';
// The connection-pool package owns the real proxy processes its tests run against; the bench reuses them.
import { findFreePort, hasBinary, proxyCredentials, startMicrosocks, startTinyproxy } from '@relay/test-support';
import { Agent, type Dispatcher, request } from 'undici';
import { startChildServer } from '../child-server.js';
import { judgeClaim, type SeedClaimId } from '../claims.js';
import { BenchSetupError } from '../errors.js';
import {
  alternateRounds,
  memoryAfterGarbageCollection,
  type Summary,
  sampleLatencies,
  summarize,
  timeBatches,
} from '../measure.js';
import type { Scenario, ScenarioContext } from '../scenario.js';

interface Sizes {
  hitIterations: number;
  hitRounds: number;
  connectSamples: number;
  firstRequestSamples: number;
  throughputSeconds: number;
  throughputRounds: number;
  concurrency: number;
  idleConnections: number;
}

const sizes = (quick: boolean): Sizes =>
  quick
    ? {
        hitIterations: 20_000,
        hitRounds: 5,
        connectSamples: 20,
        firstRequestSamples: 10,
        throughputSeconds: 0.5,
        throughputRounds: 2,
        concurrency: 16,
        idleConnections: 100,
      }
    : {
        hitIterations: 200_000,
        hitRounds: 10,
        connectSamples: 200,
        firstRequestSamples: 100,
        throughputSeconds: 3,
        throughputRounds: 6,
        concurrency: 16,
        idleConnections: 1_000,
      };

/** The mock upstream in a child process of its own (so that its sockets are not in our memory figures). */
async function startMock(tls: boolean): Promise<{ url: string; ca: string | undefined; stop(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@relay/mock-anthropic/package.json')), 'dist', 'cli.js');
  const port = await findFreePort();
  const certificateFile = join(tmpdir(), `relay-bench-pool-${process.pid}-${port}.pem`);
  const args = [
    '--port',
    String(port),
    '--record',
    '0',
    ...(tls ? ['--tls', '--certificate-file', certificateFile] : []),
  ];
  const child = await startChildServer({ script: cli, args, port });
  const ca = tls ? await certificateWritten(certificateFile) : undefined;
  if (tls) rmSync(certificateFile, { force: true });
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, ca, stop: () => child.stop() };
}

/**
 * The mock writes its certificate file after it starts listening, and readiness here is a TCP connect: on a busy
 * machine the file is not there yet (or not whole) when the port accepts.
 */
async function certificateWritten(file: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.includes('-----END CERTIFICATE-----')) return text;
    if (Date.now() > deadline) throw new BenchSetupError(`the mock did not write its certificate to ${file}`);
    await sleep(50);
  }
}

// A small real API call. Not HEAD: undici closes the connection after every HEAD response (in case a server sends
// a body anyway), which would turn the pooled figures into new-connection figures.
const modelsPath = '/v1/models?limit=1';
const apiHeaders = { 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };

async function getModels(origin: string, dispatcher: Dispatcher): Promise<void> {
  const response = await request(`${origin}${modelsPath}`, { headers: apiHeaders, dispatcher });
  await response.body.dump();
  if (response.statusCode !== 200) throw new BenchSetupError(`GET ${modelsPath} answered ${response.statusCode}`);
}

function reportMillis(
  context: ScenarioContext,
  name: string,
  summary: Summary,
  extra: { claim?: SeedClaimId; baseline?: string; ratio?: number } = {},
): void {
  context.report({
    name,
    value: summary.p50,
    unit: 'ms',
    p50: summary.p50,
    p99: summary.p99,
    min: summary.min,
    max: summary.max,
    ...(extra.baseline !== undefined ? { baseline: extra.baseline, ratio: extra.ratio } : {}),
    ...(extra.claim ? { claim: judgeClaim(extra.claim, summary.p50, 'ms') } : {}),
  });
}

async function measureCacheHits(context: ScenarioContext, size: Sizes, origin: string, proxy: string): Promise<void> {
  const pool = new ConnectionPool({ health: { active: false } });
  try {
    const route: RouteOptions = {};
    const proxied: RouteOptions = { proxy };
    pool.get(origin, route);
    pool.get(origin, proxied);
    const batches = { rounds: size.hitRounds, iterations: size.hitIterations };
    for (const [name, options] of [
      ['cache hit (direct key)', route],
      ['cache hit (key with SOCKS5 proxy)', proxied],
    ] as const) {
      context.progress(name);
      const summary = await timeBatches(() => pool.get(origin, options), batches);
      context.report({
        name,
        value: summary.p50,
        unit: 'ns/op',
        p50: summary.p50,
        p99: summary.p99,
        min: summary.min,
        max: summary.max,
        claim: judgeClaim('dispatcher-cache-hit', summary.p50, 'ns/op'),
      });
    }
    // A full cache: 1000 keys looked up round-robin, so every hit moves an entry in the LRU order.
    const origins = Array.from({ length: 1_000 }, (_, index) => `https://host-${index}.example`);
    for (const each of origins) pool.get(each);
    context.progress('cache hit (1000 keys, round-robin)');
    const spread = await timeBatches((index) => pool.get(origins[index % origins.length] as string), batches);
    context.report({
      name: 'cache hit (1000 keys, round-robin)',
      value: spread.p50,
      unit: 'ns/op',
      p50: spread.p50,
      p99: spread.p99,
      min: spread.min,
      max: spread.max,
      claim: judgeClaim('dispatcher-cache-hit', spread.p50, 'ns/op'),
    });
  } finally {
    await pool.close();
  }
}

async function measureNewConnections(
  context: ScenarioContext,
  size: Sizes,
  routes: Array<{ name: string; origin: string; proxy?: string; claim: SeedClaimId }>,
  options: ConnectionPoolOptions,
): Promise<void> {
  for (const route of routes) {
    context.progress(route.name);
    // A pool per route: its TLS session cache starts empty, as a relay's does for a new (origin, proxy).
    const pool = new ConnectionPool({ ...options, health: { active: false } });
    try {
      const latencies: number[] = [];
      await sampleLatencies(
        async () => {
          const result = await pool.checkHealth(route.origin, { proxy: route.proxy });
          if (!result.ok) throw new BenchSetupError(`${route.name}: ${result.error?.message}`);
          latencies.push(result.latencyMs);
        },
        { samples: size.connectSamples, warmup: 0 },
      );
      reportMillis(context, route.name, summarize(latencies), { claim: route.claim });
    } finally {
      await pool.close();
    }
  }
}

async function measureFirstRequest(context: ScenarioContext, size: Sizes, origin: string, ca: string): Promise<void> {
  const options: ConnectionPoolOptions = { connect: { ca }, health: { active: false }, connections: { min: 1 } };
  const firstRequest = async (warm: boolean): Promise<number> => {
    const pool = new ConnectionPool(options);
    try {
      if (warm) await pool.warmup([origin]);
      const started = process.hrtime.bigint();
      await getModels(origin, pool.get(origin));
      return Number(process.hrtime.bigint() - started) / 1e6;
    } finally {
      await pool.close();
    }
  };
  context.progress('first request: cold vs warmed');
  const cold: number[] = [];
  const warmed: number[] = [];
  for (let sample = 0; sample < size.firstRequestSamples; sample += 1) {
    cold.push(await firstRequest(false));
    warmed.push(await firstRequest(true));
  }
  const coldSummary = summarize(cold);
  const warmSummary = summarize(warmed);
  reportMillis(context, 'first request, cold pool (TLS)', coldSummary);
  reportMillis(context, 'first request, warmed pool (TLS)', warmSummary, {
    baseline: 'first request, cold pool (TLS)',
    ratio: warmSummary.p50 / coldSummary.p50,
  });
}

/** Requests per second `send` sustains with `concurrency` loops for `seconds`. */
async function throughput(send: () => Promise<void>, concurrency: number, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await send();
        completed += 1;
      }
    }),
  );
  return completed / ((performance.now() - started) / 1000);
}

async function measureThroughput(context: ScenarioContext, size: Sizes, origin: string, ca: string): Promise<void> {
  const pool = new ConnectionPool({ connect: { ca }, health: { active: false } });
  try {
    const pooled = () => getModels(origin, pool.get(origin));
    const naive = async () => {
      const agent = new Agent({ connect: { ca } });
      try {
        await getModels(origin, agent);
      } finally {
        await agent.close();
      }
    };
    context.progress('throughput: pooled dispatcher vs new Agent() per request');
    const rounds = await alternateRounds(
      {
        pooled: () => throughput(pooled, size.concurrency, size.throughputSeconds),
        naive: () => throughput(naive, size.concurrency, size.throughputSeconds),
      },
      size.throughputRounds,
    );
    const pooledSummary = summarize(rounds.pooled);
    const naiveSummary = summarize(rounds.naive);
    const naiveName = `GET over TLS, new Agent() per request (${size.concurrency} concurrent)`;
    context.report({
      name: naiveName,
      value: naiveSummary.p50,
      unit: 'req/s',
      min: naiveSummary.min,
      max: naiveSummary.max,
    });
    context.report({
      name: `GET over TLS, pooled dispatcher (${size.concurrency} concurrent)`,
      value: pooledSummary.p50,
      unit: 'req/s',
      min: pooledSummary.min,
      max: pooledSummary.max,
      baseline: naiveName,
      ratio: pooledSummary.p50 / naiveSummary.p50,
    });
  } finally {
    await pool.close();
  }
}

/** RSS, heap and external (Buffer) bytes after a forced GC. */
function memoryWithExternal(): { rss: number; heapUsed: number; external: number } {
  const { rss, heapUsed } = memoryAfterGarbageCollection();
  return { rss, heapUsed, external: process.memoryUsage().external };
}

/** A pool holding `count` idle keep-alive TLS connections to `origin`, inside undici clients. */
async function openIdleConnections(origin: string, ca: string, count: number): Promise<ConnectionPool> {
  const pool = new ConnectionPool({
    connect: { ca },
    health: { active: false },
    connections: { min: count, max: count },
    keepAliveTimeout: 60_000,
  });
  // Warm-up opens them all; concurrent requests then move each into an undici client, where idle ones live.
  const [warmed] = await pool.warmup([origin]);
  if (!warmed?.ok) throw new BenchSetupError(`warm-up of ${count} connections failed: ${warmed?.error?.message}`);
  const dispatcher = pool.get(origin);
  await Promise.all(Array.from({ length: count }, () => getModels(origin, dispatcher)));
  return pool;
}

async function measureIdleConnectionMemory(
  context: ScenarioContext,
  size: Sizes,
  origin: string,
  ca: string,
): Promise<void> {
  const count = size.idleConnections;
  context.progress(`memory: ${count} idle keep-alive TLS connections`);
  // A first pool pays the one-time costs (code, TLS context, undici's parser); the figure is the growth after it.
  const primer = await openIdleConnections(origin, ca, 20);
  let pool: ConnectionPool | undefined;
  try {
    const before = memoryWithExternal();
    pool = await openIdleConnections(origin, ca, count);
    const after = memoryWithExternal();
    const open = pool.keyStats(origin)?.connections.open ?? 0;
    if (open < count / 2) throw new BenchSetupError(`only ${open} of ${count} connections stayed open`);
    const rssPerConnection = (after.rss - before.rss) / open;
    context.report({
      name: 'memory per idle keep-alive TLS connection (RSS: JS + OpenSSL)',
      value: Math.round(rssPerConnection),
      unit: 'bytes',
      // A figure at or below zero means the heap gave back more than the sockets took: no verdict then.
      ...(rssPerConnection > 0 ? { claim: judgeClaim('memory-per-connection', rssPerConnection, 'bytes') } : {}),
    });
    context.report({
      name: 'memory per idle keep-alive TLS connection (JS heap + buffers)',
      value: Math.round((after.heapUsed + after.external - before.heapUsed - before.external) / open),
      unit: 'bytes',
    });
  } finally {
    await pool?.close();
    await primer.close();
  }
}

const scenario: Scenario = {
  name: 'pool',
  description:
    '@relay/connection-pool: dispatcher cache hits, new connections direct / TLS / via HTTP CONNECT and SOCKS5, first request cold vs warmed, pooled vs new Agent() per request, memory per idle TLS connection',
  async run(context) {
    const size = sizes(context.quick);
    const stops: Array<() => Promise<void>> = [];
    try {
      context.progress('starting the mock upstream (HTTP and HTTPS) and the proxies');
      const https = await startMock(true);
      stops.push(https.stop);
      const http = await startMock(false);
      stops.push(http.stop);
      const ca = https.ca as string;

      const routes: Array<{ name: string; origin: string; proxy?: string; claim: SeedClaimId }> = [
        { name: 'new connection: direct TCP', origin: http.url, claim: 'connection-create-direct' },
        { name: 'new connection: direct TLS', origin: https.url, claim: 'connection-create-direct' },
      ];
      let socksProxy = 'socks5://127.0.0.1:1';
      if (hasBinary('microsocks')) {
        const microsocks = await startMicrosocks();
        stops.push(microsocks.stop);
        socksProxy = `socks5://127.0.0.1:${microsocks.port}`;
        routes.push({
          name: 'new connection: SOCKS5 + TLS (microsocks)',
          origin: https.url,
          proxy: socksProxy,
          claim: 'connection-create-proxied',
        });
        const authenticated = await startMicrosocks({ auth: true });
        stops.push(authenticated.stop);
        routes.push({
          name: 'new connection: SOCKS5 with auth + TLS (microsocks)',
          origin: https.url,
          proxy: `socks5://${proxyCredentials.username}:${proxyCredentials.password}@127.0.0.1:${authenticated.port}`,
          claim: 'connection-create-proxied',
        });
      } else context.progress('microsocks is not installed: no SOCKS5 rows');
      if (hasBinary('tinyproxy')) {
        const tinyproxy = await startTinyproxy();
        stops.push(tinyproxy.stop);
        routes.push({
          name: 'new connection: HTTP CONNECT + TLS (tinyproxy)',
          origin: https.url,
          proxy: `http://127.0.0.1:${tinyproxy.port}`,
          claim: 'connection-create-proxied',
        });
      } else context.progress('tinyproxy is not installed: no HTTP CONNECT row');

      // Memory first, while the process holds little else whose release could hide the growth.
      await measureIdleConnectionMemory(context, size, https.url, ca);
      await measureCacheHits(context, size, https.url, socksProxy);
      await measureNewConnections(context, size, routes, { connect: { ca } });
      await measureFirstRequest(context, size, https.url, ca);
      await measureThroughput(context, size, https.url, ca);
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

export default scenario;
