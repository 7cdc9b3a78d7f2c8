import { randomUUID } from 'node:crypto';
import { createMockAnthropic } from '@relay/mock-anthropic';
import { deleteKeys } from '@relay/test-support';
import { Redis } from 'ioredis';
import { builtFile } from '../built-file.js';
import { startChildServer } from '../child-server.js';
import { startRelayContender } from '../contenders/relay-app.js';
import { BenchSetupError } from '../errors.js';
import { LoadGenerator, type LoadRequest, type ThroughputResult } from '../load-generator.js';
import { alternateRounds, countRedisCommands, percentile } from '../measure.js';
import type { Scenario, ScenarioContext } from '../scenario.js';

/** One server the load is sent to. */
interface Contender {
  readonly name: string;
  readonly origin: string;
  readonly headers: Record<string, string>;
}

/** How long one load lasts: a duration, or (quick runs) a number of requests, which cannot come back empty. */
type LoadAmount = { durationSeconds: number } | { requests: number };

interface Settings {
  connections: number;
  warmup: LoadAmount;
  round: LoadAmount;
  rounds: number;
  latencySamples: number;
  latencyWarmup: number;
  latencyRounds: number;
}

const fullSettings: Settings = {
  connections: 32,
  warmup: { durationSeconds: 2 },
  round: { durationSeconds: 3 },
  rounds: 5,
  latencySamples: 300,
  latencyWarmup: 50,
  latencyRounds: 5,
};
// Enough to prove every contender starts, relays and is measured; the figures are not to be quoted.
const quickSettings: Settings = {
  connections: 32,
  warmup: { requests: 200 },
  round: { requests: 400 },
  rounds: 1,
  latencySamples: 20,
  latencyWarmup: 5,
  latencyRounds: 1,
};

const direct = 'direct to the mock';
const bare = 'bare passthrough';
const fastify = '@fastify/http-proxy';
const relay = 'relay';

const upstreamHeaders = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': 'sk-ant-bench-upstream',
};

function messageBody(stream: boolean): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
    ...(stream ? { stream: true } : {}),
  });
}

const median = (values: readonly number[]) => percentile(values, 50);

/** Median over rounds of value/baseline taken round by round: the machine's noise moves both alike. */
function roundRatio(values: readonly number[], baselines: readonly number[]): number {
  return median(values.map((value, round) => value / (baselines[round] as number)));
}

/** For the progress line: `round 2/5` for each call, `contenders` calls per round. */
function roundCounter(contenders: number, rounds: number): () => string {
  let calls = 0;
  return () => `round ${Math.floor(calls++ / contenders) + 1}/${rounds}`;
}

/** Fails the scenario on any error or non-2xx answer (fast errors are not throughput), or on a round without answers. */
function checkClean(contender: string, result: ThroughputResult, phase: 'warm-up' | 'round'): void {
  if (result.errors > 0 || result.non2xx > 0 || (phase === 'round' && result.responses === 0)) {
    throw new BenchSetupError(
      `${contender} (${phase}): ${result.responses} responses ${JSON.stringify(result.statusCounts)}, ` +
        `${result.errors} errors ${JSON.stringify(result.errorCodes)}, ${result.timeouts} timeouts; ` +
        'a contender that fails requests cannot be compared',
    );
  }
}

/** Throughput and latency at `connections` clients, the contenders alternating round by round. */
async function measureThroughput(
  context: ScenarioContext,
  generator: LoadGenerator,
  contenders: readonly Contender[],
  mode: string,
  body: string,
  settings: Settings,
): Promise<void> {
  const load = (contender: Contender, amount: LoadAmount) =>
    generator.throughput({
      origin: contender.origin,
      request: { method: 'POST', path: '/v1/messages', headers: contender.headers, body } satisfies LoadRequest,
      connections: settings.connections,
      ...amount,
    });
  for (const contender of contenders) {
    context.progress(`${mode}: warming up ${contender.name}`);
    checkClean(contender.name, await load(contender, settings.warmup), 'warm-up');
  }
  const results = new Map<string, ThroughputResult[]>(contenders.map((contender) => [contender.name, []]));
  const nextRound = roundCounter(contenders.length, settings.rounds);
  const rates = await alternateRounds(
    Object.fromEntries(
      contenders.map((contender) => [
        contender.name,
        async () => {
          context.progress(`${mode}, ${settings.connections} clients: ${nextRound()}, ${contender.name}`);
          const result = await load(contender, settings.round);
          checkClean(contender.name, result, 'round');
          results.get(contender.name)?.push(result);
          return result.requestsPerSecond;
        },
      ]),
    ),
    settings.rounds,
  );

  const label = `${mode}, ${settings.connections} clients`;
  const baselineOf: Record<string, string | undefined> = {
    [direct]: undefined,
    [bare]: direct,
    [fastify]: bare,
    [relay]: bare,
  };
  for (const contender of contenders) {
    const perRound = rates[contender.name] as number[];
    const baseline = baselineOf[contender.name];
    const baselineRounds = baseline ? rates[baseline] : undefined;
    context.report({
      name: `${label}: ${contender.name}`,
      value: median(perRound),
      unit: 'req/s',
      min: Math.min(...perRound),
      max: Math.max(...perRound),
      ...(baseline && baselineRounds ? { baseline, ratio: roundRatio(perRound, baselineRounds) } : {}),
    });
  }
  if (rates[relay] && rates[fastify]) {
    const perRound = rates[relay];
    context.report({
      name: `${label}: relay vs @fastify/http-proxy`,
      value: median(perRound),
      unit: 'req/s',
      min: Math.min(...perRound),
      max: Math.max(...perRound),
      baseline: fastify,
      ratio: roundRatio(perRound, rates[fastify]),
    });
  }
  for (const contender of contenders) {
    const rounds = results.get(contender.name) ?? [];
    const p50s = rounds.map((result) => result.latencyP50Ms);
    context.report({
      name: `${label}, latency: ${contender.name}`,
      value: median(p50s),
      unit: 'ms',
      p50: median(p50s),
      p99: median(rounds.map((result) => result.latencyP99Ms)),
      min: Math.min(...p50s),
      max: Math.max(...p50s),
    });
  }
}

/** p50 latency at one client, one request at a time; the proxies' rows are what they add to going direct. */
async function measureAddedLatency(
  context: ScenarioContext,
  generator: LoadGenerator,
  contenders: readonly Contender[],
  mode: string,
  body: string,
  settings: Settings,
): Promise<void> {
  const p99s = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const nextRound = roundCounter(contenders.length, settings.latencyRounds);
  const p50s = await alternateRounds(
    Object.fromEntries(
      contenders.map((contender) => [
        contender.name,
        async () => {
          context.progress(`${mode}, 1 client: ${nextRound()}, ${contender.name}`);
          const result = await generator.latency({
            origin: contender.origin,
            request: { method: 'POST', path: '/v1/messages', headers: contender.headers, body },
            samples: settings.latencySamples,
            warmup: settings.latencyWarmup,
          });
          if (result.non2xx > 0)
            throw new BenchSetupError(`${contender.name}: ${result.non2xx} responses not 2xx at 1 client`);
          p99s.get(contender.name)?.push(result.p99);
          return result.p50;
        },
      ]),
    ),
    settings.latencyRounds,
  );
  const directRounds = p50s[direct] as number[];
  context.report({
    name: `${mode}, 1 client, p50 latency: ${direct}`,
    value: median(directRounds),
    unit: 'ms',
    p50: median(directRounds),
    p99: median(p99s.get(direct) ?? []),
    min: Math.min(...directRounds),
    max: Math.max(...directRounds),
  });
  for (const contender of contenders) {
    if (contender.name === direct) continue;
    const added = (p50s[contender.name] as number[]).map(
      (value, round) => (value - (directRounds[round] as number)) * 1000,
    );
    context.report({
      name: `${mode}, 1 client, added p50 latency: ${contender.name}`,
      value: median(added),
      unit: 'µs',
      min: Math.min(...added),
      max: Math.max(...added),
      baseline: direct,
    });
  }
}

/**
 * Redis commands per relayed request with the hybrid store: the relay under load (Claude Code-like requests of one
 * session each connection keeps sending), then stopped so that its last batch is flushed; INFO commandstats before
 * and after, over the responses.
 */
async function measureHybridRedisCommands(
  context: ScenarioContext,
  generator: LoadGenerator,
  upstreamUrl: string,
  redisUrl: string,
  requests: number,
): Promise<void> {
  context.progress('hybrid store: Redis commands per relayed request');
  const keyPrefix = `relay-bench:${randomUUID().slice(0, 8)}:`;
  const relayContender = await startRelayContender(upstreamUrl, messageBody(false), {
    sessions: { store: 'hybrid', redisUrl, keyPrefix, syncIntervalMs: 1000 },
  });
  if ('skipped' in relayContender) {
    context.note?.(`hybrid Redis commands row skipped: ${relayContender.skipped}`);
    return;
  }
  const admin = new Redis(redisUrl);
  try {
    const before = countRedisCommands(await admin.info('commandstats'));
    const result = await generator.throughput({
      origin: relayContender.server.origin,
      request: {
        method: 'POST',
        path: '/v1/messages',
        headers: { ...relayContender.headers, 'x-claude-code-session-id': randomUUID() },
        body: messageBody(false),
      },
      connections: 8,
      requests,
    });
    checkClean('relay (hybrid store)', result, 'round');
    await relayContender.stop();
    // The INFO call itself is one command: leave it out.
    const commands = countRedisCommands(await admin.info('commandstats')) - before - 1;
    context.report({
      name: 'Redis commands per relayed request (hybrid store)',
      value: commands / result.responses,
      unit: 'commands/op',
    });
  } finally {
    await relayContender.stop();
    await deleteKeys(redisUrl, keyPrefix);
    admin.disconnect();
  }
}

const scenario: Scenario = {
  name: 'relay',
  description:
    'the relay against direct-to-upstream, a bare node:http + undici passthrough and @fastify/http-proxy (each in its own process), on @relay/mock-anthropic, load from a worker thread',
  async run(context) {
    const settings = context.quick ? quickSettings : fullSettings;
    const stops: (() => Promise<void>)[] = [];
    const generator = new LoadGenerator();
    stops.push(() => generator.close());
    try {
      context.progress('starting the mock upstream and the contenders');
      const mock = await createMockAnthropic({ port: 0, latencyMs: 0, eventDelayMs: 0, deltas: 10, record: false });
      stops.push(() => mock.close());
      const contenders: Contender[] = [{ name: direct, origin: mock.url, headers: upstreamHeaders }];
      for (const [name, script] of [
        [bare, 'baselines/bare-passthrough.js'],
        [fastify, 'baselines/fastify-http-proxy.js'],
      ] as const) {
        const server = await startChildServer({ script: builtFile(script), args: ['--upstream', mock.url] });
        stops.push(() => server.stop());
        contenders.push({ name, origin: server.origin, headers: upstreamHeaders });
      }
      const relayContender = await startRelayContender(mock.url, messageBody(false));
      if ('skipped' in relayContender) {
        context.note?.(`relay rows skipped: ${relayContender.skipped}`);
      } else {
        stops.push(() => relayContender.stop());
        contenders.push({ name: relay, origin: relayContender.server.origin, headers: relayContender.headers });
      }

      for (const [mode, stream] of [
        ['non-streaming', false],
        ['streaming', true],
      ] as const) {
        await measureThroughput(context, generator, contenders, mode, messageBody(stream), settings);
        await measureAddedLatency(context, generator, contenders, mode, messageBody(stream), settings);
      }
      if (context.redisUrl) {
        await measureHybridRedisCommands(context, generator, mock.url, context.redisUrl, context.quick ? 400 : 20_000);
      } else context.note?.('hybrid Redis commands row skipped: no Redis');
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

export default scenario;
