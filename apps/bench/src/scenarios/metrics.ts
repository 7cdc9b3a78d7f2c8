import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionPool } from '@relay/connection-pool';
import { createRelayMetrics, DEFAULT_BUCKETS, type RelayMetrics } from '@relay/metrics';
import { MemorySessionStore, SessionManager } from '@relay/session-store';
import { Counter, Histogram, Registry } from 'prom-client';
import { alternateRounds, type Summary, sampleLatencies, summarize } from '../measure.js';
import type { Scenario, ScenarioContext } from '../scenario.js';

/** Sizes of one run; `quick` keeps the whole scenario to a few seconds. */
const sizes = (quick: boolean) =>
  quick ? { iterations: 20_000, rounds: 4, scrapes: 20 } : { iterations: 200_000, rounds: 12, scrapes: 200 };

const origin = 'https://api.anthropic.com';
const accounts = Array.from({ length: 20 }, (_, index) => `account-${index}`);

/** The request the relay records for call `index`: 20 accounts, one 529 in fifty, a streamed response. */
function requestOf(index: number) {
  return {
    accountId: accounts[index % accounts.length] as string,
    origin,
    statusCode: index % 50 === 0 ? 529 : 200,
    timeToFirstByteSeconds: 0.4 + (index % 7) * 0.1,
    durationSeconds: 3 + (index % 11),
  };
}

const usageOf = (index: number) => ({
  accountId: accounts[index % accounts.length] as string,
  input: 1_200,
  output: 300 + (index % 100),
  cacheRead: 5_000,
  cacheCreation: 0,
});

/** Recording one request with @relay/metrics: its count and timings, then its tokens. */
function recordWith(metrics: RelayMetrics): (index: number) => void {
  return (index) => {
    metrics.recordUpstreamRequest(requestOf(index));
    metrics.recordTokens(usageOf(index));
  };
}

/**
 * The same writes through prom-client's labelled `inc` / `observe` directly, one call per series and
 * no pending counts: what the hot path would cost without this package's batching.
 */
function recordWithPromClientDirectly(): (index: number) => void {
  const registers = [new Registry()];
  const requests = new Counter({
    name: 'requests_total',
    help: 'h',
    labelNames: ['account', 'origin', 'status_class', 'outcome'],
    registers,
  });
  const histogram = (name: string) =>
    new Histogram({
      name,
      help: 'h',
      labelNames: ['account', 'origin'],
      buckets: [...DEFAULT_BUCKETS.upstream],
      registers,
    });
  const firstByte = histogram('first_byte_seconds');
  const duration = histogram('duration_seconds');
  const tokens = new Counter({ name: 'tokens_total', help: 'h', labelNames: ['account', 'kind'], registers });
  return (index) => {
    const request = requestOf(index);
    const usage = usageOf(index);
    const route = { account: request.accountId, origin };
    const failed = request.statusCode >= 400;
    requests.inc({
      account: request.accountId,
      origin,
      status_class: failed ? '5xx' : '2xx',
      outcome: failed ? 'http_error' : 'success',
    });
    firstByte.observe(route, request.timeToFirstByteSeconds);
    duration.observe(route, request.durationSeconds);
    tokens.inc({ account: usage.accountId, kind: 'input' }, usage.input);
    tokens.inc({ account: usage.accountId, kind: 'output' }, usage.output);
    tokens.inc({ account: usage.accountId, kind: 'cache_read' }, usage.cacheRead);
  };
}

/** One timed round of `iterations` calls: ns per call. */
function nanosecondsPerCall(operation: (index: number) => void, iterations: number, offset: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) operation(offset + index);
  return Number(process.hrtime.bigint() - started) / iterations;
}

function reportNanoseconds(
  context: ScenarioContext,
  name: string,
  summary: Summary,
  baseline?: { name: string; summary: Summary },
): void {
  context.report({
    name,
    value: Math.round(summary.p50),
    unit: 'ns/op',
    p50: Math.round(summary.p50),
    p99: Math.round(summary.p99),
    min: Math.round(summary.min),
    max: Math.round(summary.max),
    ...(baseline ? { baseline: baseline.name, ratio: summary.p50 / baseline.summary.p50 } : {}),
  });
}

/** A real loopback origin, a real pool that has served it, and a real session manager with sessions. */
async function startObservedParts() {
  const server = http.createServer((_request, response) => response.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = new ConnectionPool({ health: { active: false } });
  const response = await pool.get(url).request({ origin: url, path: '/', method: 'GET' });
  await response.body.text();
  const manager = new SessionManager({ store: new MemorySessionStore() });
  for (let index = 0; index < 1_000; index += 1) await manager.getOrCreate(`session-${index}`);
  return {
    pool,
    manager,
    close: async () => {
      await pool.close();
      await manager.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const scenario: Scenario = {
  name: 'metrics',
  description: 'cost of recording one request (ns), with and without the pool and session collectors; scrape cost',
  async run(context) {
    const size = sizes(context.quick);
    const parts = await startObservedParts();
    const bare = createRelayMetrics({ evaluationIntervalMs: false });
    const observed = createRelayMetrics({ evaluationIntervalMs: false });
    observed.collectPool(parts.pool);
    observed.collectSessions(parts.manager);
    try {
      const contenders = {
        bare: recordWith(bare),
        observed: recordWith(observed),
        direct: recordWithPromClientDirectly(),
      };
      // Warm-up: JIT and every series created before the first timed round.
      for (const operation of Object.values(contenders)) {
        for (let index = 0; index < size.iterations; index += 1) operation(index);
      }
      let round = 0;
      const timed = (operation: (index: number) => void) => async () => {
        round += 1;
        context.progress(`record one request: round ${Math.ceil(round / 3)}/${size.rounds}`);
        return nanosecondsPerCall(operation, size.iterations, round * size.iterations);
      };
      const rounds = await alternateRounds(
        { bare: timed(contenders.bare), observed: timed(contenders.observed), direct: timed(contenders.direct) },
        size.rounds,
      );
      const direct = { name: 'prom-client labelled inc/observe, unbatched', summary: summarize(rounds.direct) };
      const bareName = 'record one request (count, 2 timings, tokens), no collectors';
      const bareSummary = summarize(rounds.bare);
      reportNanoseconds(context, bareName, bareSummary, direct);
      reportNanoseconds(context, 'record one request, pool + session collectors attached', summarize(rounds.observed), {
        name: bareName,
        summary: bareSummary,
      });
      reportNanoseconds(context, direct.name, direct.summary);

      context.progress('scrape: Prometheus text');
      const scrape = await sampleLatencies(() => observed.metrics(), { samples: size.scrapes });
      const series = (await observed.metrics()).body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
      context.report({
        name: `scrape, Prometheus text (${series.length} samples, collectors attached)`,
        value: scrape.p50,
        unit: 'ms',
        p50: scrape.p50,
        p99: scrape.p99,
        min: scrape.min,
        max: scrape.max,
      });
      context.progress('evaluate thresholds');
      const evaluation = await sampleLatencies(() => observed.evaluate(), { samples: size.scrapes });
      context.report({
        name: 'evaluate thresholds (collectors attached)',
        value: evaluation.p50,
        unit: 'ms',
        p50: evaluation.p50,
        p99: evaluation.p99,
        min: evaluation.min,
        max: evaluation.max,
      });
    } finally {
      bare.close();
      observed.close();
      await parts.close();
    }
  },
};

export default scenario;
