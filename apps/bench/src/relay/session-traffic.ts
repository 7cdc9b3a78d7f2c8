import { randomUUID } from 'node:crypto';
import { deleteKeys } from '@relay/test-support';
import { Redis } from 'ioredis';
import { startRelayContender } from '../contenders/relay-app.js';
import { BenchSetupError } from '../errors.js';
import { countRedisCommands, redisCommandCalls } from '../measure.js';
import type { ScenarioContext } from '../scenario.js';
import { runWrk } from '../wrk/run-wrk.js';
import { failuresOf } from '../wrk/wrk-output.js';
import type { SessionTraffic } from '../wrk/wrk-script.js';
import { shortPrompt } from './bench-request.js';

const cases: { name: string; traffic: (prefix: string) => SessionTraffic }[] = [
  { name: '1 session', traffic: () => ({ kind: 'fixed' }) },
  { name: '1,000 sessions, round robin', traffic: (prefix) => ({ kind: 'round-robin', sessions: 1000, prefix }) },
  { name: 'a new session every request', traffic: (prefix) => ({ kind: 'unique', prefix }) },
];

/**
 * The relay with the hybrid store (its defaults) on the run's Redis, under wrk at 16 clients whose Lua script sets
 * `x-claude-code-session-id` per request: one session, 1,000 round robin, a new one every request. Each case starts
 * a relay of its own on a fresh key prefix and stops it before the second INFO, so that its last batch is counted.
 */
export async function measureSessionTraffic(
  context: ScenarioContext,
  upstreamUrl: string,
  redisUrl: string,
  durationSeconds: number,
): Promise<void> {
  const admin = new Redis(redisUrl);
  try {
    for (const { name, traffic } of cases) {
      context.progress(`hybrid store, ${name}`);
      const keyPrefix = `relay-bench:${randomUUID().slice(0, 8)}:`;
      const relay = await startRelayContender(upstreamUrl, shortPrompt.body(false), {
        sessions: { store: 'hybrid', redisUrl, keyPrefix },
      });
      if ('skipped' in relay) {
        context.note?.(`hybrid store rows skipped: ${relay.skipped}`);
        return;
      }
      try {
        const sessionPrefix = `bench-${randomUUID().slice(0, 8)}-`;
        const before = await admin.info('commandstats');
        const result = await runWrk({
          url: `${relay.server.origin}${shortPrompt.path}`,
          method: 'POST',
          headers: { ...relay.headers, 'x-claude-code-session-id': `${sessionPrefix}fixed` },
          body: shortPrompt.body(false),
          connections: 16,
          durationSeconds,
          sessions: traffic(sessionPrefix),
        });
        if (failuresOf(result) > 0 || result.requests === 0)
          throw new BenchSetupError(
            `relay (hybrid store, ${name}): ${result.requests} responses, ${failuresOf(result)} failed`,
          );
        await relay.stop();
        const after = await admin.info('commandstats');
        // The first INFO is counted in the second one's figures: leave it out.
        const commands = countRedisCommands(after) - countRedisCommands(before) - 1;
        const evalsha =
          (redisCommandCalls(after).get('evalsha') ?? 0) - (redisCommandCalls(before).get('evalsha') ?? 0);
        const label = `hybrid store, 16 clients, ${name}`;
        context.report({ name: `${label}: req/s`, value: result.requestsPerSecond, unit: 'req/s' });
        context.report({
          name: `${label}: Redis commands per request`,
          value: commands / result.requests,
          unit: 'commands/req',
        });
        context.report({
          name: `${label}: EVALSHA per request`,
          value: evalsha / result.requests,
          unit: 'commands/req',
        });
      } finally {
        await relay.stop();
        await deleteKeys(redisUrl, keyPrefix);
      }
    }
  } finally {
    admin.disconnect();
  }
}
