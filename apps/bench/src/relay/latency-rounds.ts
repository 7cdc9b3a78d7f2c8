import { BenchSetupError } from '../errors.js';
import { percentile } from '../measure.js';
import type { ScenarioContext } from '../scenario.js';
import { runWrk } from '../wrk/run-wrk.js';
import { failuresOf } from '../wrk/wrk-output.js';
import type { BenchRequest } from './bench-request.js';
import { bare, type Contender, direct } from './contender.js';
import { pairedRatio } from './paired-ratio.js';

export interface LatencySettings {
  roundSeconds: number;
  rounds: number;
}

const median = (values: readonly number[]) => percentile(values, 50);

/**
 * p50 latency at one client (wrk -c1, one request at a time, µs histogram), the contenders alternating round by
 * round; each proxy's row is what it adds to going direct, and its ratio is to what the bare passthrough adds.
 */
export async function measureAddedLatency(
  context: ScenarioContext,
  contenders: readonly Contender[],
  condition: { label: string; request: BenchRequest; stream: boolean },
  settings: LatencySettings,
): Promise<void> {
  const p50s = new Map<string, Map<number, number>>(contenders.map((contender) => [contender.name, new Map()]));
  const p99s = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const failed = new Set<string>();
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = round % 2 === 0 ? [...contenders] : [...contenders].reverse();
    for (const contender of order) {
      if (failed.has(contender.name)) continue;
      context.progress(`${condition.label}, 1 client: round ${round + 1}/${settings.rounds}, ${contender.name}`);
      const result = await runWrk({
        url: `${contender.origin}${condition.request.path}`,
        method: 'POST',
        headers: { ...contender.headers, ...condition.request.headers },
        body: condition.request.body(condition.stream),
        connections: 1,
        durationSeconds: settings.roundSeconds,
      });
      if (failuresOf(result) > 0 || result.requests === 0) {
        const why = `${result.requests} responses, ${failuresOf(result)} failed at 1 client`;
        if (!contender.optional) throw new BenchSetupError(`${condition.label}: ${contender.name}: ${why}`);
        context.note?.(`${condition.label}, 1 client: ${contender.name} skipped: ${why}`);
        failed.add(contender.name);
        continue;
      }
      p50s.get(contender.name)?.set(round, result.latencyP50Micros);
      p99s.get(contender.name)?.push(result.latencyP99Micros);
    }
  }
  const directRounds = p50s.get(direct) ?? new Map<number, number>();
  if (directRounds.size === 0) return;
  const directValues = [...directRounds.values()];
  context.report({
    name: `${condition.label}, 1 client, p50 latency: ${direct}`,
    value: median(directValues),
    unit: 'µs',
    p50: median(directValues),
    p99: median(p99s.get(direct) ?? []),
    min: Math.min(...directValues),
    max: Math.max(...directValues),
  });
  const added = (name: string) =>
    new Map(
      [...(p50s.get(name) ?? [])]
        .filter(([round]) => directRounds.has(round))
        .map(([round, value]) => [round, value - (directRounds.get(round) as number)]),
    );
  const bareAdded = added(bare);
  for (const contender of contenders) {
    if (contender.name === direct || failed.has(contender.name)) continue;
    const figure = added(contender.name);
    const values = [...figure.values()];
    if (values.length === 0) continue;
    const ratio = contender.name === bare ? undefined : pairedRatio(figure, bareAdded);
    context.report({
      name: `${condition.label}, 1 client, added p50 latency: ${contender.name}`,
      value: median(values),
      unit: 'µs',
      min: Math.min(...values),
      max: Math.max(...values),
      ...(ratio === undefined ? { baseline: direct } : { baseline: `${bare} (added)`, ratio }),
    });
  }
}
