/** Summary of a set of measurements (the unit is the caller's: ns/op, ms, req/s, ...). */
export interface Summary {
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
  count: number;
}

/** Nearest-rank percentile of `values` (0 < p <= 100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50, p99, min, max and mean of `values`. */
export function summarize(values: readonly number[]): Summary {
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    min: Math.min(...values),
    max: Math.max(...values),
    mean: total / values.length,
    count: values.length,
  };
}

export interface BatchOptions {
  /** How many rounds to time; the summary is over the rounds' ns/op. */
  rounds: number;
  /** Calls per round. */
  iterations: number;
  /** Untimed calls before the first round (JIT warm-up). Default: one round's worth. */
  warmupIterations?: number;
}

/**
 * Times a cheap operation in batches: each round runs `iterations` calls between two `hrtime.bigint()`
 * readings, so the clock's own cost does not swamp nanosecond figures. Returns ns/op over the rounds.
 * An operation that returns a promise is awaited call by call.
 */
export async function timeBatches(operation: (index: number) => unknown, options: BatchOptions): Promise<Summary> {
  const warmup = options.warmupIterations ?? options.iterations;
  const probe = operation(0);
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  for (let index = 1; index < warmup; index += 1) {
    const result = operation(index);
    if (isAsync) await result;
  }
  const perRound: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const offset = warmup + round * options.iterations;
    const started = process.hrtime.bigint();
    if (isAsync) {
      for (let index = 0; index < options.iterations; index += 1) await operation(offset + index);
    } else {
      for (let index = 0; index < options.iterations; index += 1) operation(offset + index);
    }
    perRound.push(Number(process.hrtime.bigint() - started) / options.iterations);
  }
  return summarize(perRound);
}

/** Times each call of a slower operation on its own (ms per call): the latency distribution of `samples` calls. */
export async function sampleLatencies(
  operation: (index: number) => unknown,
  options: { samples: number; warmup?: number },
): Promise<Summary> {
  for (let index = 0; index < (options.warmup ?? Math.min(10, options.samples)); index += 1) await operation(index);
  const latencies: number[] = [];
  for (let index = 0; index < options.samples; index += 1) {
    const started = process.hrtime.bigint();
    await operation(index);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarize(latencies);
}

/**
 * Runs contenders round by round, alternating their order each round, so that a noisy machine moves them
 * together. Each contender returns its figure for one round (req/s, ns/op, ...). Returns the rounds' figures.
 */
export async function alternateRounds<Name extends string>(
  contenders: Record<Name, () => Promise<number>>,
  rounds: number,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(contenders) as Name[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as unknown as Record<Name, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) results[name].push(await contenders[name]());
  }
  return results;
}

/** Forces a full GC when the process runs with --expose-gc (the runner does); a no-op otherwise. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Heap and RSS bytes after a forced GC. */
export function memoryAfterGarbageCollection(): { heapUsed: number; rss: number } {
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/** Total of `calls=` over INFO commandstats: the number of commands Redis has executed. */
export function countRedisCommands(infoCommandStats: string): number {
  let total = 0;
  for (const match of infoCommandStats.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) total += Number(match[1]);
  return total;
}

/** `calls=` per command of INFO commandstats (`evalsha`, `hset`, ...; commands run inside scripts included). */
export function redisCommandCalls(infoCommandStats: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const match of infoCommandStats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls.set(match[1] as string, Number(match[2]));
  return calls;
}
