import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateClientKey } from '../src/auth/client-key.js';
import type { RelayConfigInput } from '../src/config/config-schema.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A relay running as a real child process, as users run it. */
export interface RelayProcess {
  readonly url: string;
  /** The client key the relay was configured with. */
  readonly clientKey: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every line it wrote to stdout and stderr so far. */
  readonly output: string[];
  readonly configFile: string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves when a line matching `pattern` has been written. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

const running = new Set<RelayProcess>();

/**
 * Starts `relay --config <file>` on a free port with the given config (a client key is added unless the
 * config has clients), and waits until it listens.
 */
export async function startRelayProcess(
  config: RelayConfigInput,
  options: { args?: string[]; environment?: Record<string, string>; clientKey?: string } = {},
): Promise<RelayProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'relay-e2e-'));
  const clientKey = options.clientKey ?? generateClientKey();
  const fullConfig: RelayConfigInput = {
    ...config,
    listen: { host: '127.0.0.1', port: 0, ...config.listen },
    clients: config.clients ?? [{ id: 'e2e-client', key: clientKey, maxConcurrency: 256 }],
    state: { file: join(directory, 'state.json'), ...config.state },
    upstream: { warmup: false, ...config.upstream },
  };
  const configFile = join(directory, 'relay.json');
  writeFileSync(configFile, JSON.stringify(fullConfig, null, 2));
  const child = spawn(process.execPath, [cliPath, '--config', configFile, ...(options.args ?? [])], {
    env: { ...withoutRelayVariables(process.env), ...options.environment },
  });
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const onLine = (line: string) => {
    output.push(line);
    for (const waiter of waiters) {
      if (waiter.pattern.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }

  const waitForOutput = (pattern: RegExp, timeoutMs = 15_000) => {
    const seen = output.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = { pattern, resolve };
      waiters.add(waiter);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`relay did not print ${pattern} within ${timeoutMs} ms; output:\n${output.join('\n')}`));
      }, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        if (waiters.delete(waiter)) reject(new Error(`relay exited before printing ${pattern}:\n${output.join('\n')}`));
      });
      const originalResolve = waiter.resolve;
      waiter.resolve = (line) => {
        clearTimeout(timer);
        originalResolve(line);
      };
    });
  };

  const listening = JSON.parse(await waitForOutput(/"msg":"relay listening"/)) as { url: string };
  const relay: RelayProcess = {
    url: listening.url,
    clientKey,
    child,
    output,
    configFile,
    waitForOutput,
    stop: async (signal = 'SIGTERM') => {
      running.delete(relay);
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  running.add(relay);
  return relay;
}

/**
 * The pids of the processes of `relay` (its workers, with `--workers N`) that logged a line whose `msg` is
 * `message`, once `count` distinct ones have (counting only lines from index `since` of its output on).
 */
export async function pidsThatLogged(
  relay: RelayProcess,
  message: string,
  count: number,
  options: { since?: number; timeoutMs?: number } = {},
): Promise<number[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const marker = `"msg":${JSON.stringify(message)}`;
  for (;;) {
    const pids = new Set(
      relay.output
        .slice(options.since ?? 0)
        .filter((line) => line.includes(marker))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    );
    if (pids.size >= count) return [...pids];
    if (Date.now() > deadline)
      throw new Error(`only ${pids.size} of ${count} processes logged "${message}":\n${relay.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills every relay a test left running (for `afterEach`/`afterAll`). */
export async function stopAllRelays(): Promise<void> {
  await Promise.all([...running].map((relay) => relay.stop('SIGKILL')));
}

// The test runner's own environment must not configure the relay under test.
function withoutRelayVariables(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...environment };
  for (const name of Object.keys(copy)) {
    if (
      name.startsWith('RELAY_') ||
      name === 'ANTHROPIC_API_KEY' ||
      name === 'ANTHROPIC_BASE_URL' ||
      name === 'REDIS_URL'
    ) {
      delete copy[name];
    }
  }
  return copy;
}
