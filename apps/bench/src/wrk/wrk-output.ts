import { BenchError } from '../errors.js';

/** What one wrk run observed, from the `done` hook of the bench's Lua script (see wrk-script.ts). */
export interface WrkResult {
  /** Responses completed within the run. */
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  bytes: number;
  /** Socket errors: connect, read, write, timeout. */
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  /** Responses with a status outside 2xx and 3xx (wrk's own count). */
  badStatus: number;
  /** Latency percentiles over every request of the run, in microseconds (wrk's histogram resolves 1 µs). */
  latencyP50Micros: number;
  latencyP99Micros: number;
  latencyMaxMicros: number;
}

/** The line the `done` hook writes, so that it can be told from wrk's own text. */
export const resultMarker = 'RELAY_BENCH_WRK';

const integerFields = [
  'requests',
  'durationMicros',
  'bytes',
  'connectErrors',
  'readErrors',
  'writeErrors',
  'timeouts',
  'badStatus',
  'latencyP50Micros',
  'latencyP99Micros',
  'latencyMaxMicros',
] as const;

/** Thrown when wrk's output does not carry the `done` hook's line (wrk failed, or ran without the script). */
export class WrkOutputError extends BenchError {
  constructor(message: string) {
    super('RELAY_ERR_BENCH_WRK_OUTPUT', message);
  }
}

/** Reads the `done` hook's JSON line out of wrk's stdout (wrk prints its own summary around it). */
export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${resultMarker} `));
  if (!line) throw new WrkOutputError(`wrk printed no ${resultMarker} line; its output:\n${stdout.slice(-800)}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line.slice(resultMarker.length + 1)) as Record<string, unknown>;
  } catch {
    throw new WrkOutputError(`wrk's ${resultMarker} line is not JSON: ${line.slice(0, 200)}`);
  }
  const values = {} as Record<(typeof integerFields)[number], number>;
  for (const field of integerFields) {
    const value = parsed[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new WrkOutputError(`wrk's ${resultMarker} line has no valid ${field}: ${line.slice(0, 200)}`);
    values[field] = value;
  }
  const durationSeconds = values.durationMicros / 1e6;
  return {
    requests: values.requests,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? values.requests / durationSeconds : 0,
    bytes: values.bytes,
    connectErrors: values.connectErrors,
    readErrors: values.readErrors,
    writeErrors: values.writeErrors,
    timeouts: values.timeouts,
    badStatus: values.badStatus,
    latencyP50Micros: values.latencyP50Micros,
    latencyP99Micros: values.latencyP99Micros,
    latencyMaxMicros: values.latencyMaxMicros,
  };
}

/** Socket errors and bad statuses of a run: a contender that fails requests cannot be compared. */
export function failuresOf(result: WrkResult): number {
  return result.connectErrors + result.readErrors + result.writeErrors + result.timeouts + result.badStatus;
}
