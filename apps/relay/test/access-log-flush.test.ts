import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../src/auth/client-key.js';
import { postMessage } from './api-client.js';

const accounts = [{ id: 'only', apiKey: 'sk-ant-access-log', maxConcurrency: 64 }];

/** The lines of a JSON log file, parsed. */
function logLines(file: string): Array<{ msg: string; level: number; reqId?: string; err?: { message: string } }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Starts `relay --config <file>` logging to `logFile` (so it prints nothing to wait for: the file is polled),
 * with extra node options; resolves once it listens.
 */
async function startLoggingRelay(baseUrl: string, logFile: string, nodeOptions: string[] = []) {
  const directory = mkdtempSync(join(tmpdir(), 'relay-access-log-'));
  const clientKey = generateClientKey();
  const configFile = join(directory, 'relay.json');
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { baseUrl, warmup: false },
    accounts,
    clients: [{ id: 'e2e-client', key: clientKey, maxConcurrency: 64 }],
    state: { file: join(directory, 'state.json') },
    logging: { file: logFile },
  };
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [...nodeOptions, cliPath, '--config', configFile], {
    env: { PATH: process.env.PATH ?? '' },
  });
  const listening = () =>
    existsSync(logFile) ? logLines(logFile).filter((line) => line.msg === 'relay listening') : [];
  await expect.poll(() => listening().length, { timeout: 15_000 }).toBe(1);
  const { url } = listening()[0] as unknown as { url: string };
  return { url, clientKey, child, exited: once(child, 'exit') as Promise<[number | null]> };
}

/** Sends `count` requests, `concurrency` at a time, and resolves once every answer was read. */
async function sendAll(relay: { url: string; clientKey: string }, count: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await postMessage(relay, { stream: next % 2 === 0 });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('the access log loses no line', () => {
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 2 });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('writes one access line per request before a SIGTERM exit, to a file created 0600', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-access-log-')), 'logs', 'relay.log');
    const relay = await startLoggingRelay(mock.url, file);
    const requests = 400;
    await sendAll(relay, requests, 16);
    // SIGTERM the moment the last answer is read: the lines of the last requests may still sit in the buffer.
    relay.child.kill('SIGTERM');
    expect((await relay.exited)[0]).toBe(0);

    const lines = logLines(file);
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed).toHaveLength(requests);
    expect(new Set(completed.map((line) => line.reqId)).size).toBe(requests);
    expect(lines.filter((line) => line.msg === 'relay stopped: session store flushed')).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes the fatal line and every buffered line when the process crashes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-crash-log-')), 'relay.log');
    // A relay whose process throws an uncaught exception on SIGUSR2: a crash on demand.
    const crashOnSignal = "process.on('SIGUSR2', () => { throw new Error('injected crash'); });";
    const relay = await startLoggingRelay(mock.url, file, [
      '--import',
      `data:text/javascript,${encodeURIComponent(crashOnSignal)}`,
    ]);
    const requests = 200;
    await sendAll(relay, requests, 16);
    relay.child.kill('SIGUSR2');
    expect((await relay.exited)[0]).toBe(1);

    const lines = logLines(file);
    expect(lines.filter((line) => line.msg === 'request completed')).toHaveLength(requests);
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: 'relay crashed', err: { message: 'injected crash' } });
  });
});
