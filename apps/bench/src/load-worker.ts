import { parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';
import { Client } from 'undici';
import type {
  LatencyOptions,
  LatencyResult,
  LoadAnswer,
  LoadJob,
  ThroughputOptions,
  ThroughputResult,
} from './load-generator.js';
import { sampleLatencies } from './measure.js';

// The worker side of LoadGenerator: runs one job at a time and answers with its figures.
if (!parentPort) throw new Error('load-worker must run as a worker thread (see LoadGenerator)');
const port = parentPort;

port.on('message', (job: LoadJob) => {
  const work = job.kind === 'throughput' ? throughput(job.options) : latency(job.options);
  work.then(
    (result) => port.postMessage({ id: job.id, result } satisfies LoadAnswer),
    (error: unknown) =>
      port.postMessage({ id: job.id, error: String((error as Error)?.stack ?? error) } satisfies LoadAnswer),
  );
});

// Off the main thread autocannon assumes it is one of its own workers and returns the histograms encoded, for
// the main thread to aggregate; aggregateResult (public, but missing from @types/autocannon) does that here.
const { aggregateResult } = autocannon as unknown as {
  aggregateResult(results: unknown[], options: autocannon.Options): autocannon.Result;
};

async function throughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const autocannonOptions: autocannon.Options = {
    url: `${options.origin}${options.request.path}`,
    method: options.request.method,
    headers: options.request.headers,
    body: options.request.body,
    connections: options.connections,
    pipelining: 1,
    ...(options.requests === undefined ? { duration: options.durationSeconds } : { amount: options.requests }),
    timeout: 30,
    // autocannon stops at the sample tick after the duration; 100 ms ticks keep short rounds short.
    sampleInt: 100,
  };
  const errorCodes: Record<string, number> = {};
  const raw = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(autocannonOptions, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('reqError', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    });
  });
  const result = aggregateResult([raw], autocannonOptions);
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
  );
  return {
    responses: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCounts,
    errorCodes,
    durationSeconds: result.duration,
  };
}

async function latency(options: LatencyOptions): Promise<LatencyResult> {
  const client = new Client(options.origin, { pipelining: 1 });
  let non2xx = 0;
  try {
    const summary = await sampleLatencies(
      async () => {
        const response = await client.request({
          path: options.request.path,
          method: options.request.method,
          headers: options.request.headers,
          body: options.request.body,
        });
        // Read to the last byte: a relay's latency includes relaying the whole stream.
        await response.body.arrayBuffer();
        if (response.statusCode < 200 || response.statusCode > 299) non2xx += 1;
      },
      { samples: options.samples, warmup: options.warmup },
    );
    return { ...summary, non2xx };
  } finally {
    await client.close();
  }
}
