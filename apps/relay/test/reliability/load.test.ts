import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createMockAnthropic } from '@relay/mock-anthropic';
import { afterEach, describe, expect, it } from 'vitest';
import { generateClientKey } from '../../src/auth/client-key.js';
import { startRelayProcess, stopAllRelays } from '../relay-process.js';
import {
  adminStats,
  InspectorSession,
  inspectorEnvironment,
  megabytes,
  messageBody,
  metricValue,
  openFileDescriptors,
  residentMemory,
} from './support.js';

const loadClientPath = fileURLToPath(new URL('./load-client.mjs', import.meta.url));
const adminToken = 'admin-token-reliability-load';

/** The soft limit of open files this process (and so every child it spawns) has. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('Max open files'));
  return Number(line?.split(/\s{2,}/)[1] ?? 1024);
}

/** What `load-client.mjs` prints. */
interface LoadResult {
  streams: number;
  completed: number;
  errors: Record<string, number>;
  peakOpen: number;
  bytes: number;
  durationMs: number;
  firstByteP50Ms: number;
  firstByteP99Ms: number;
}

async function runLoadClient(options: Record<string, unknown>): Promise<LoadResult> {
  const child = spawn(process.execPath, [loadClientPath, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the load client exited with ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as LoadResult;
}

afterEach(async () => {
  await stopAllRelays();
});

describe('load on one relay process', () => {
  it('serves 5 000 concurrent streaming clients to completion with no error', async () => {
    // The relay holds two sockets per stream (client + upstream): stay inside the open-files limit it inherits.
    const wanted = Number(process.env.RELAY_LOAD_STREAMS ?? 5_000);
    const limit = openFilesLimit();
    const streams = Math.min(wanted, Math.floor((limit - 512) / 2));
    if (streams < wanted) {
      console.warn(
        `[load] ulimit -n is ${limit}: running ${streams} streams instead of ${wanted} (raise it to run all)`,
      );
    }
    // Streams last ~14 s (14 events a second apart), far longer than the ramp-up: all of them are open at once.
    const mock = await createMockAnthropic({ deltas: 8, eventDelayMs: 1_000, record: false });
    try {
      const clientKey = generateClientKey();
      const relay = await startRelayProcess(
        {
          upstream: { baseUrl: mock.url, connections: { min: 0, max: streams * 2 } },
          accounts: [
            { id: 'a', apiKey: 'sk-ant-load-a', maxConcurrency: streams },
            { id: 'b', apiKey: 'sk-ant-load-b', maxConcurrency: streams },
          ],
          clients: [{ id: 'load', key: clientKey, maxConcurrency: streams * 2 }],
          admin: { token: adminToken },
        },
        { clientKey },
      );
      const pid = relay.child.pid as number;
      const before = residentMemory(pid);
      // Reading /metrics resets the event-loop delay histogram: what the next read reports is the load's.
      await fetch(`${relay.url}/metrics`).then((response) => response.text());

      let peakRss = before.rss;
      let peakDescriptors = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peakRss = Math.max(peakRss, residentMemory(pid).rss);
          peakDescriptors = Math.max(peakDescriptors, openFileDescriptors(pid));
          await sleep(250);
        }
      })();
      const result = await runLoadClient({ url: relay.url, clientKey, streams });
      sampling = false;
      await sampler;

      const exposition = await fetch(`${relay.url}/metrics`).then((response) => response.text());
      const lagP99Ms = Math.round((metricValue(exposition, 'nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000);
      const lagMaxMs = Math.round((metricValue(exposition, 'nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000);
      const perStreamKb = Math.round((peakRss - before.rss) / streams / 1024);
      console.log(
        `[load] ${streams} concurrent streams: ${result.completed} completed, ${JSON.stringify(result.errors)} errors, ` +
          `peak ${result.peakOpen} open; relay RSS ${megabytes(before.rss)} MB idle → ${megabytes(peakRss)} MB peak ` +
          `(${perStreamKb} KB/stream), ${peakDescriptors} fds peak; event-loop delay p99 ${lagP99Ms} ms, ` +
          `max ${lagMaxMs} ms; first byte p50 ${result.firstByteP50Ms} ms, p99 ${result.firstByteP99Ms} ms; ` +
          `${Math.round(result.durationMs / 1000)} s`,
      );

      expect(result.errors).toEqual({});
      expect(result.completed).toBe(streams);
      expect(result.peakOpen).toBe(streams);
      // Everything was released: no request in flight is left on an account, no route was opened.
      const stats = await adminStats(relay, adminToken);
      expect(stats.pool.circuits.open).toBe(0);
      await expect
        .poll(async () => (await adminStats(relay, adminToken)).accounts.map((account) => account.inFlight), {
          timeout: 10_000,
        })
        .toEqual([0, 0]);
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    } finally {
      await mock.close();
    }
  }, 240_000);

  it('a client that reads nothing: backpressure reaches the upstream socket, the relay buffers little', async () => {
    // A 40 MB stream in 800 events of ~50 KB, written by the upstream as fast as its socket takes it.
    const streamBytes = 40 * 1024 * 1024;
    const mock = await createMockAnthropic({ deltas: 800, text: 'x'.repeat(streamBytes) });
    const relay = await startRelayProcess(
      { upstream: { baseUrl: mock.url }, accounts: [{ id: 'a', apiKey: 'sk-ant-slow-reader' }] },
      { environment: inspectorEnvironment },
    );
    const inspector = await InspectorSession.connect(relay);
    const baseline = await inspector.memoryAfterGarbageCollection();
    const socket = net.connect(Number(new URL(relay.url).port), '127.0.0.1');
    try {
      await once(socket, 'connect');
      const body = messageBody({ stream: true });
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nhost: relay\r\nx-api-key: ${relay.clientKey}\r\n` +
          `content-type: application/json\r\nanthropic-version: 2023-06-01\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      // The client reads nothing: the kernel buffers fill, then the relay's writes report a full socket.
      socket.pause();
      await expect.poll(() => mock.received.length, { timeout: 10_000 }).toBe(1);
      await sleep(3_000);
      const held = await inspector.memoryAfterGarbageCollection();
      const buffered = held.arrayBuffers + held.external - (baseline.arrayBuffers + baseline.external);
      const heapGrowth = held.heapUsed - baseline.heapUsed;
      // The upstream could not finish: its socket is held by the relay's paused read.
      expect(mock.received[0]?.completed).toBe(false);
      console.log(
        `[backpressure] a client reading nothing of a ${megabytes(streamBytes)} MB stream: the relay holds ` +
          `${megabytes(buffered)} MB of buffers and ${megabytes(heapGrowth)} MB more heap; RSS ${megabytes(held.rss)} MB`,
      );
      expect(buffered).toBeLessThan(8 * 1024 * 1024);
      expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);

      // Once the client reads, the whole stream arrives and ends properly.
      let received = 0;
      let tail = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-300);
      });
      socket.resume();
      await expect.poll(() => tail.includes('event: message_stop'), { timeout: 60_000 }).toBe(true);
      expect(received).toBeGreaterThan(streamBytes);
    } finally {
      socket.destroy();
      inspector.close();
      await mock.close();
    }
  }, 120_000);
});
