import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from '@relay/test-support';
import { request } from 'undici';
import { type ChildServer, startChildServer } from '../child-server.js';

/** The relay under test, running as a child process, and the key its clients send. */
export interface RelayContender {
  readonly server: ChildServer;
  /** Headers a client of this relay sends (its own client key, not the upstream's). */
  readonly headers: Record<string, string>;
  stop(): Promise<void>;
}

/** Why the relay cannot be measured in this checkout; the scenario skips its rows and shows this. */
export interface RelaySkipped {
  readonly skipped: string;
}

const clientKey = 'relay-bench-client-key-000000000001';

/** The built relay of another checkout of this repository (its `apps/relay/dist/cli.js`), e.g. an older commit's. */
export function relayCliOf(checkout: string): string {
  return join(checkout, 'apps', 'relay', 'dist', 'cli.js');
}

/**
 * Starts the built relay (apps/relay/dist/cli.js, or `options.cli`: another build of it) with a JSON config that
 * points one account at `upstreamUrl` and admits one bench client, then proves it forwards with one `probeBody`
 * request. Resolves to the reason to skip instead when the relay is not built or does not forward (yet).
 *
 * Isolated here so that the relay's config and start can evolve without touching the scenario.
 */
export async function startRelayContender(
  upstreamUrl: string,
  probeBody: string,
  options: { sessions?: Record<string, unknown>; limits?: Record<string, unknown>; cli?: string } = {},
): Promise<RelayContender | RelaySkipped> {
  // @relay/server is a workspace dev dependency of the bench, so that `pnpm bench` builds it first.
  const cli =
    options.cli ??
    join(dirname(createRequire(import.meta.url).resolve('@relay/server/package.json')), 'dist', 'cli.js');
  if (!existsSync(cli)) return { skipped: `${cli} is not built (pnpm --filter @relay/server build)` };

  const directory = await mkdtemp(join(tmpdir(), 'relay-bench-relay-'));
  const port = await findFreePort();
  const config = {
    listen: { host: '127.0.0.1', port },
    upstream: { baseUrl: upstreamUrl, warmup: true, warmupOrigins: [upstreamUrl] },
    accounts: [{ id: 'bench', apiKey: 'sk-ant-bench-upstream', maxConcurrency: 256 }],
    clients: [
      { id: 'bench', key: clientKey, maxConcurrency: 256, ...(options.limits ? { limits: options.limits } : {}) },
    ],
    sessions: options.sessions ?? { store: 'memory' },
    state: { file: join(directory, 'state.json') },
    // Every feature on, as deployed: info logging (to a file, so that the bench process does not read it).
    logging: { level: 'info', file: join(directory, 'relay.log') },
  };
  const configFile = join(directory, 'relay.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const cleanUp = () => rm(directory, { recursive: true, force: true });

  let server: ChildServer;
  try {
    server = await startChildServer({
      script: cli,
      args: ['--config', configFile],
      env: withoutRelaySettings(process.env),
      port,
      startTimeoutMs: 10_000,
    });
  } catch (error) {
    await cleanUp();
    return { skipped: `the relay did not start: ${(error as Error).message}` };
  }
  const headers = {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-api-key': clientKey,
  };
  const stop = async () => {
    await server.stop();
    await cleanUp();
  };
  try {
    const response = await request(`${server.origin}/v1/messages`, { method: 'POST', headers, body: probeBody });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      await stop();
      return {
        skipped: `the relay does not forward yet (probe answered ${response.statusCode}: ${text.slice(0, 160)})`,
      };
    }
  } catch (error) {
    await stop();
    return { skipped: `the relay's probe request failed: ${(error as Error).message}` };
  }
  return { server, headers, stop };
}

/**
 * The environment minus what the relay reads as config (RELAY_*, ANTHROPIC_*, REDIS_URL): a developer's own
 * ANTHROPIC_BASE_URL or ANTHROPIC_API_KEY must never turn the bench's load towards the real API.
 */
function withoutRelaySettings(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(environment).filter(
      ([name]) => !name.startsWith('RELAY_') && !name.startsWith('ANTHROPIC_') && name !== 'REDIS_URL',
    ),
  );
}
