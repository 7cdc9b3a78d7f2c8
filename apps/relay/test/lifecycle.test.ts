import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { RedisSessionStore } from '@relay/session-store';
import { describeWithRedis, testRedisUrl, uniqueKeyPrefix } from '@relay/test-support/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { postMessage } from './api-client.js';
import { pidsThatLogged, startRelayProcess, stopAllRelays } from './relay-process.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const moduleRecorder = fileURLToPath(new URL('./fixtures/record-module-loads.mjs', import.meta.url));
const cleanEnvironment = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(RELAY_|ANTHROPIC_|REDIS_URL)/.test(name)),
);
const upstreamKey = 'sk-ant-lifecycle-secret-0123456789';
const accounts = [{ id: 'only', apiKey: upstreamKey }];
const children = new Set<ChildProcess>();

/** Runs the relay CLI with a config file written from `config`; resolves on exit (or kills it at `timeoutMs`). */
async function runRelay(
  config: unknown,
  args: string[] = [],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const directory = mkdtempSync(join(tmpdir(), 'relay-lifecycle-'));
  const configFile = join(directory, 'relay.json');
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [cliPath, '--config', configFile, ...args], { env: cleanEnvironment });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  children.delete(child);
  return { code, stdout, stderr };
}

let mock: MockAnthropic;
beforeAll(async () => {
  mock = await createMockAnthropic();
});
afterEach(async () => {
  await stopAllRelays();
  for (const child of children) child.kill('SIGKILL');
});
afterAll(async () => {
  await mock.close();
});

describe('--workers', () => {
  it('gives the workers their config over IPC: no secret in a worker’s environment', async () => {
    const relay = await startRelayProcess({ upstream: { baseUrl: mock.url }, accounts }, { args: ['--workers', '2'] });
    const pids = await pidsThatLogged(relay, 'relay listening', 2);
    for (const pid of pids) {
      const environment = readFileSync(`/proc/${pid}/environ`, 'latin1');
      expect(environment).not.toContain(upstreamKey);
      expect(environment).not.toContain(relay.clientKey);
    }
    expect((await postMessage(relay)).status).toBe(200);
    expect(await relay.stop('SIGTERM')).toBe(0);
  });

  it('backs off re-forking a worker that keeps crashing, then gives up and exits 1', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      // Every worker fails to listen (the port is taken), as a worker with a broken environment would.
      const result = await runRelay(
        {
          listen: { host: '127.0.0.1', port },
          upstream: { baseUrl: mock.url, warmup: false },
          accounts,
          clients: [{ id: 'c', key: generateClientKey() }],
          workers: { maxCrashes: 3 },
        },
        ['--workers', '2'],
        80_000,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/giving up/);
      const delays = [...result.stderr.matchAll(/starting another in (\d+) ms/g)].map((match) => Number(match[1]));
      expect(delays).toEqual([100, 200]);
    } finally {
      blocker.close();
    }
  }, 90_000);
});

describe('start-up', () => {
  it('warms up only the configured upstream origin, never api/console.anthropic.com', async () => {
    const relay = await startRelayProcess({
      upstream: { baseUrl: mock.url, warmup: true, connectTimeoutMs: 1_000 },
      accounts,
    });
    await relay.waitForOutput(/"msg":"(warmed up|warm-up failed)/, 10_000);
    await sleep(1_500);
    const warmUpLines = relay.output.filter((line) => /warmed up|warm-up failed/.test(line));
    expect(warmUpLines.some((line) => line.includes(new URL(mock.url).host))).toBe(true);
    expect(warmUpLines.join('\n')).not.toContain('anthropic.com');
  });

  it('loads @relay/mock-anthropic (beyond its api-errors table) only for --demo', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-module-loads-'));
    const load = async (args: string[], log: string) => {
      const relay = await startRelayProcess(
        { upstream: { baseUrl: mock.url }, accounts },
        { args, environment: { NODE_OPTIONS: `--import=${moduleRecorder}`, MODULE_LOAD_LOG: log } },
      );
      await relay.stop('SIGTERM');
      return readFileSync(log, 'utf8');
    };
    const normal = await load([], join(directory, 'normal.log'));
    expect(normal).toContain('dist/cli.js');
    expect(normal).toContain('session-store/dist');
    // The one status → error-type table lives in the mock's side-effect-free `api-errors` entry (it imports
    // nothing); the mock itself, its server and its dependencies load only for --demo.
    const mockLoads = normal.split('\n').filter((line) => line.includes('mock-anthropic'));
    expect(mockLoads.every((line) => /mock-anthropic\/dist\/api-errors\.js/.test(line))).toBe(true);
    const demo = await load(['--demo'], join(directory, 'demo.log'));
    expect(demo).toMatch(/mock-anthropic\/dist\/index\.js/);
  });

  it('creates its log file readable by its owner only (0600)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-log-file-'));
    const file = join(directory, 'logs', 'relay.log');
    const exited = runRelay(
      {
        listen: { port: 0 },
        upstream: { baseUrl: mock.url, warmup: false },
        accounts,
        clients: [{ id: 'c', key: generateClientKey() }],
        logging: { file },
      },
      [],
      10_000,
    );
    const deadline = Date.now() + 8_000;
    let text = '';
    while (!text.includes('relay listening') && Date.now() < deadline) {
      await sleep(100);
      try {
        text = readFileSync(file, 'utf8');
      } catch {}
    }
    expect(text).toContain('relay listening');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const child of children) child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('a JSON syntax error in the config names the line and column, never the text around it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-bad-json-'));
    const configFile = join(directory, 'relay.json');
    writeFileSync(configFile, `{\n "accounts": [{"id": "a", "apiKey": "${upstreamKey}"}]\n oops }`);
    const child = spawn(process.execPath, [cliPath, '--config', configFile], { env: cleanEnvironment });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output).toContain('not valid JSON at line 3, column 2');
    expect(output).not.toContain(upstreamKey.slice(0, 12));
    expect(output).not.toContain('oops');
  });
});

describeWithRedis('shutdown', () => {
  it('a second SIGTERM cuts the streams in flight but still flushes the session store and exits 0', async () => {
    const slow = await createMockAnthropic({ deltas: 100, eventDelayMs: 200 });
    const redisUrl = testRedisUrl() as string;
    const keyPrefix = uniqueKeyPrefix('relay-second-sigterm');
    try {
      const relay = await startRelayProcess({
        upstream: { baseUrl: slow.url },
        accounts,
        // Nothing reaches Redis before shutdown unless close() flushes it.
        sessions: { store: 'hybrid', redisUrl, keyPrefix, syncIntervalMs: 600_000 },
        shutdown: { graceMs: 60_000 },
      });
      const response = await postMessage(relay, { sessionId: 'second-sigterm', stream: true });
      const reader = response.body?.getReader();
      await reader?.read();
      relay.child.kill('SIGTERM');
      await relay.waitForOutput(/shutting down: no new connections/);
      const exitCode = relay.stop('SIGTERM');
      // The stream is cut: its body ends (or errors) long before its 20 s.
      await (async () => {
        for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {}
      })().catch(() => {});
      expect(await exitCode).toBe(0);
      expect(relay.output.some((line) => line.includes('relay stopped: session store flushed'))).toBe(true);
      const store = new RedisSessionStore({ redis: redisUrl, keyPrefix });
      try {
        expect(await store.find({ apiKeyId: 'e2e-client' })).toHaveLength(1);
      } finally {
        await store.close();
      }
    } finally {
      await slow.close();
    }
  }, 40_000);
});
