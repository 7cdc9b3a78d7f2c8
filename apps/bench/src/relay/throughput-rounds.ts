import { request as send } from 'undici';
import { type MeasuredRound, measureRound } from '../cpu/measure-round.js';
import { BenchSetupError } from '../errors.js';
import { percentile } from '../measure.js';
import type { ScenarioContext } from '../scenario.js';
import { runWrk } from '../wrk/run-wrk.js';
import { failuresOf, type WrkResult } from '../wrk/wrk-output.js';
import type { BenchRequest } from './bench-request.js';
import { bare, type Contender, fastify, portkey, relay, relayBaseline } from './contender.js';
import { pairedRatio } from './paired-ratio.js';

export interface ThroughputSettings {
  connections: number;
  /** Seconds of untimed load per contender first (0: none, the probe request only). */
  warmupSeconds: number;
  roundSeconds: number;
  rounds: number;
  /** How many times a refused round is run again before it is given up. */
  retriesPerRound: number;
}

export interface ThroughputCondition {
  label: string;
  request: BenchRequest;
  stream: boolean;
  upstreamPid: number;
}

const median = (values: readonly number[]) => percentile(values, 50);

function describeFailures(result: WrkResult): string {
  return (
    `${result.requests} responses, ${result.badStatus} outside 2xx/3xx, connect/read/write errors ` +
    `${result.connectErrors}/${result.readErrors}/${result.writeErrors}, ${result.timeouts} timeouts`
  );
}

/** One request with undici: proves the contender answers this condition with a 2xx before any load. */
async function probe(contender: Contender, condition: ThroughputCondition): Promise<string | undefined> {
  try {
    const response = await send(`${contender.origin}${condition.request.path}`, {
      method: 'POST',
      headers: { ...contender.headers, ...condition.request.headers },
      body: condition.request.body(condition.stream),
    });
    const text = await response.body.text();
    return response.statusCode >= 200 && response.statusCode < 300
      ? undefined
      : `answered ${response.statusCode}: ${text.slice(0, 200)}`;
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}

/**
 * req/s, latency and CPU per request at `connections` clients for every contender, the contenders alternating round
 * by round (order reversed every other round). A round the bottleneck rule refuses is noted and run again, up to
 * `retriesPerRound` times; it is never averaged in. Headline: CPU per request as a ratio to the bare passthrough's.
 */
export async function measureThroughput(
  context: ScenarioContext,
  contenders: readonly Contender[],
  condition: ThroughputCondition,
  settings: ThroughputSettings,
): Promise<void> {
  const { label } = condition;
  const active: Contender[] = [];
  const drop = (contender: Contender, why: string) => {
    if (!contender.optional) throw new BenchSetupError(`${label}: ${contender.name} ${why}; it cannot be compared`);
    context.note?.(`${label}: ${contender.name} skipped: ${why}`);
    const index = active.indexOf(contender);
    if (index >= 0) active.splice(index, 1);
  };
  for (const contender of contenders) {
    const problem = await probe(contender, condition);
    active.push(contender);
    if (problem) drop(contender, `probe ${problem}`);
  }
  const load = (contender: Contender, durationSeconds: number) =>
    runWrk({
      url: `${contender.origin}${condition.request.path}`,
      method: 'POST',
      headers: { ...contender.headers, ...condition.request.headers },
      body: condition.request.body(condition.stream),
      connections: settings.connections,
      durationSeconds,
    });
  if (settings.warmupSeconds > 0) {
    for (const contender of [...active]) {
      context.progress(`${label}: warming up ${contender.name}`);
      const result = await load(contender, settings.warmupSeconds);
      if (failuresOf(result) > 0) drop(contender, `failed requests in its warm-up (${describeFailures(result)})`);
    }
  }

  // Rounds whose CPU per request stands (valid or cpu-only), and the reasons req/s and latency were refused.
  const valid = new Map<string, Map<number, MeasuredRound>>(active.map((contender) => [contender.name, new Map()]));
  const cpuOnly = new Map<string, string[]>(active.map((contender) => [contender.name, []]));
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = round % 2 === 0 ? [...active] : [...active].reverse();
    for (const contender of order) {
      if (!active.includes(contender)) continue;
      for (let attempt = 0; attempt <= settings.retriesPerRound; attempt += 1) {
        context.progress(
          `${label}, ${settings.connections} clients: round ${round + 1}/${settings.rounds}, ${contender.name}` +
            (attempt > 0 ? ` (again, ${attempt})` : ''),
        );
        const measured = await measureRound({
          contenderPid: contender.pid,
          upstreamPid: condition.upstreamPid,
          run: () => load(contender, settings.roundSeconds),
        });
        if (failuresOf(measured.load) > 0 || measured.load.requests === 0) {
          drop(contender, `failed requests in round ${round + 1} (${describeFailures(measured.load)})`);
          break;
        }
        const { verdict } = measured;
        if (verdict.kind === 'refused') {
          context.note?.(`${label}, ${contender.name}: round ${round + 1} refused: ${verdict.reason}`);
          continue;
        }
        valid.get(contender.name)?.set(round, measured);
        if (verdict.kind === 'cpu-only') cpuOnly.get(contender.name)?.push(verdict.reason);
        break;
      }
    }
  }
  for (const contender of active) {
    const reasons = cpuOnly.get(contender.name) ?? [];
    if (reasons.length > 0)
      context.note?.(
        `${label}, ${contender.name}: req/s and latency of ${reasons.length} of ${valid.get(contender.name)?.size} ` +
          `rounds left out (CPU per request kept): ${reasons.join('; ')}`,
      );
  }
  report(context, label, settings, active, valid);
}

function report(
  context: ScenarioContext,
  label: string,
  settings: ThroughputSettings,
  contenders: readonly Contender[],
  valid: ReadonlyMap<string, ReadonlyMap<number, MeasuredRound>>,
): void {
  const figures = (name: string, pick: (round: MeasuredRound) => number) =>
    new Map([...(valid.get(name) ?? new Map<number, MeasuredRound>())].map(([round, value]) => [round, pick(value)]));
  const cpu = (name: string) => figures(name, (round) => round.cpuMicrosPerRequest);
  const whole = (name: string) =>
    new Map(
      [...(valid.get(name) ?? new Map<number, MeasuredRound>())].filter(([, round]) => round.verdict.kind === 'valid'),
    );
  const rate = (name: string) =>
    new Map([...whole(name)].map(([round, measured]) => [round, measured.load.requestsPerSecond]));
  const measured = contenders.filter((contender) => (valid.get(contender.name)?.size ?? 0) > 0);
  for (const contender of contenders) {
    if (!measured.includes(contender))
      context.note?.(`${label}: ${contender.name} has no valid round: its rows are left out`);
  }
  /** A row of `figure`; its ratio is `compared.of(name)` over `compared.of(compared.name)`, round by round. */
  const row = (
    name: string,
    figure: ReadonlyMap<number, number>,
    unit: string,
    compared?: { name: string; of: (name: string) => ReadonlyMap<number, number>; subject: string },
  ) => {
    const values = [...figure.values()];
    const ratio = compared ? pairedRatio(compared.of(compared.subject), compared.of(compared.name)) : undefined;
    context.report({
      name,
      value: median(values),
      unit,
      min: Math.min(...values),
      max: Math.max(...values),
      ...(compared && ratio !== undefined ? { baseline: compared.name, ratio } : {}),
    });
  };
  const names = new Set(measured.map((contender) => contender.name));
  const versusBare = (subject: string, of: (name: string) => ReadonlyMap<number, number>) =>
    subject !== bare && names.has(bare) ? { name: bare, of, subject } : undefined;
  for (const contender of measured)
    row(`${label}: CPU per request: ${contender.name}`, cpu(contender.name), 'µs/req', versusBare(contender.name, cpu));
  for (const peer of [relayBaseline, fastify, portkey]) {
    if (names.has(relay) && names.has(peer))
      row(`${label}: CPU per request: relay vs ${peer}`, cpu(relay), 'µs/req', {
        name: peer,
        of: cpu,
        subject: relay,
      });
  }
  // The mock's CPU per request is the same work whatever the contender: its spread shows how much the machine
  // inflated every process's CPU time in this run. It is not used to correct the contenders' figures: it also
  // depends on how a contender delivers its requests (a slow contender leaves the mock less to batch).
  const upstream = measured
    .flatMap((contender) => [...figures(contender.name, (round) => round.upstreamCpuMicrosPerRequest).values()])
    .filter(Number.isFinite);
  if (upstream.length > 0)
    context.report({
      name: `${label}: CPU per request: the mock upstream, over every contender's rounds`,
      value: median(upstream),
      unit: 'µs/req',
      min: Math.min(...upstream),
      max: Math.max(...upstream),
    });
  for (const contender of measured) {
    if (whole(contender.name).size > 0)
      row(`${label}: req/s: ${contender.name}`, rate(contender.name), 'req/s', versusBare(contender.name, rate));
  }
  for (const contender of measured) {
    const rounds = [...whole(contender.name).values()];
    if (rounds.length === 0) continue;
    const p50s = rounds.map((round) => round.load.latencyP50Micros / 1000);
    context.report({
      name: `${label}: latency at ${settings.connections} clients: ${contender.name}`,
      value: median(p50s),
      unit: 'ms',
      p50: median(p50s),
      p99: median(rounds.map((round) => round.load.latencyP99Micros / 1000)),
      min: Math.min(...p50s),
      max: Math.max(...p50s),
    });
  }
}
