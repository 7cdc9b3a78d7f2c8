// Load generator for the relay's load tests, run as its own process so that its sockets and CPU are not the test
// runner's: `node load-client.mjs '<json options>'`. Opens `streams` streaming Messages requests at once (ramped in
// batches), reads each to its end, and prints one JSON line of results on stdout.
// Plain JavaScript on purpose: a child process runs it with no TypeScript loader.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

/** @type {{ url: string, clientKey: string, streams: number, batch?: number, batchIntervalMs?: number, sessions?: number }} */
const options = JSON.parse(process.argv[2] ?? '{}');
const batch = options.batch ?? 250;
const batchIntervalMs = options.batchIntervalMs ?? 50;
const sessions = options.sessions ?? 500;

// One socket per stream: no pipelining, no cap on connections; as patient as the SDKs (10 min) under a busy relay.
const dispatcher = new Agent({
  connections: null,
  pipelining: 1,
  connect: { timeout: 600_000 },
  headersTimeout: 600_000,
  bodyTimeout: 600_000,
});
const body = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  stream: true,
  messages: [{ role: 'user', content: 'load' }],
});

let open = 0;
let peakOpen = 0;
const errors = {};
const firstByteMs = [];
let completed = 0;
let bytes = 0;

async function stream(index) {
  const started = performance.now();
  open += 1;
  peakOpen = Math.max(peakOpen, open);
  try {
    const response = await request(`${options.url}/v1/messages`, {
      method: 'POST',
      dispatcher,
      headers: {
        'x-api-key': options.clientKey,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-claude-code-session-id': `00000000-0000-4000-8000-${String(index % sessions).padStart(12, '0')}`,
      },
      body,
    });
    let tail = '';
    let first = true;
    for await (const chunk of response.body) {
      if (first) {
        firstByteMs.push(performance.now() - started);
        first = false;
      }
      bytes += chunk.length;
      tail = (tail + chunk.toString('utf8')).slice(-200);
    }
    if (response.statusCode !== 200)
      errors[`status ${response.statusCode}`] = (errors[`status ${response.statusCode}`] ?? 0) + 1;
    else if (!tail.includes('event: message_stop')) errors['no message_stop'] = (errors['no message_stop'] ?? 0) + 1;
    else completed += 1;
  } catch (error) {
    const code = error?.code ?? error?.name ?? 'error';
    errors[code] = (errors[code] ?? 0) + 1;
  } finally {
    open -= 1;
  }
}

const percentile = (values, share) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
};

const started = performance.now();
const running = [];
for (let index = 0; index < options.streams; index += batch) {
  for (let offset = index; offset < Math.min(options.streams, index + batch); offset += 1) running.push(stream(offset));
  await sleep(batchIntervalMs);
}
await Promise.all(running);
await dispatcher.close();
process.stdout.write(
  `${JSON.stringify({
    streams: options.streams,
    completed,
    errors,
    peakOpen,
    bytes,
    durationMs: Math.round(performance.now() - started),
    firstByteP50Ms: Math.round(percentile(firstByteMs, 0.5)),
    firstByteP99Ms: Math.round(percentile(firstByteMs, 0.99)),
  })}\n`,
);
