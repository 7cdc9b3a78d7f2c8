import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteKeys } from '@relay/test-support';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { startRelayContender } from '../contenders/relay-app.js';
import { BenchSetupError } from '../errors.js';
import { countRedisCommands, redisCommandCalls } from '../measure.js';
import type { ScenarioContext } from '../scenario.js';
import { runWrk } from '../wrk/run-wrk.js';
import { failuresOf } from '../wrk/wrk-output.js';
import type { SessionTraffic } from '../wrk/wrk-script.js';
import { accountStateCommandsAtMost, commandDelta } from './account-state-commands.js';
import { shortPrompt } from './bench-request.js';

/** One load of the hybrid-store rows: how wrk picks sessions, and the client key's limits if it has any. */
export interface SessionTrafficCase {
  name: string;
  traffic: (prefix: string) => SessionTraffic;
  limits?: Record<string, unknown>;
  /**
   * Sessions to send one request each (ids as the round-robin script makes them) before counting, then wait for the
   * relay's sync: the steady state users have, where sessions exist, hold their affinity and were written once.
   */
  warmUpSessions?: number;
}

const roundRobin = (prefix: string): SessionTraffic => ({ kind: 'round-robin', sessions: 1000, prefix });

/**
 * The relay scenario's cases: one session, 1,000 round robin in steady state (a 3 s run at a few hundred req/s
 * would otherwise create most of its sessions inside the count: that is the last row's cost), a new one every
 * request.
 */
export const sessionCases: readonly SessionTrafficCase[] = [
  { name: '1 session', traffic: () => ({ kind: 'fixed' }) },
  { name: '1,000 sessions, round robin, after a warm-up', traffic: roundRobin, warmUpSessions: 1000 },
  { name: 'a new session every request', traffic: (prefix) => ({ kind: 'unique', prefix }) },
];

/** Longer than the relay's session sync interval (1 s by default): the warm-up's writes land before counting. */
const afterWarmUpMs = 2500;

/** One request per session id `prefix` + 00000000 … (the wrk script's format), 16 at a time. */
async function warmUp(url: string, headers: Record<string, string>, prefix: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const sessionId = `${prefix}${String(index).padStart(8, '0')}`;
      const response = await request(url, {
        method: 'POST',
        headers: { ...headers, 'x-claude-code-session-id': sessionId },
        body: shortPrompt.body(false),
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new BenchSetupError(`warm-up request answered ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await sleep(afterWarmUpMs);
}

// Every kind of key limit, above what the load spends (a refusal would be a failed request): rates, concurrency across
// instances, and a budget, each leased 10 % at a time as the relay does by default.
const keyLimits = {
  requestsPerMinute: 1_000_000,
  tokensPerMinute: 1_000_000_000,
  concurrency: 64,
  budgets: [{ usd: 10_000, window: 'day' }],
};

/**
 * The quota scenario's cases: one session (the session store's own share is then small and steady), the key without
 * limits and with every kind on; their difference is what the limits add.
 */
export const keyLimitCases: readonly SessionTrafficCase[] = [
  { name: '1 session, key without limits', traffic: () => ({ kind: 'fixed' }) },
  { name: '1 session, key limits on', traffic: () => ({ kind: 'fixed' }), limits: keyLimits },
];

/**
 * The relay with the hybrid store (its defaults) on the run's Redis, under wrk at 16 clients whose Lua script sets
 * `x-claude-code-session-id` per request (`cases`: by default one session, 1,000 round robin, a new one every
 * request). The usage ledger is on in every case (it bills every key); `limits` turns the key's limits on. Each case starts
 * a relay of its own on a fresh key prefix and stops it before the second INFO, so that its last batch is counted.
 * The mock sends the standard rate-limit headers on every answer (`remaining` counting down), so the account's
 * windows change all along and the shared account state is at work as in production.
 */
export async function measureSessionTraffic(
  context: ScenarioContext,
  upstreamUrl: string,
  redisUrl: string,
  durationSeconds: number,
  cases: readonly SessionTrafficCase[] = sessionCases,
): Promise<Map<string, number>> {
  const commandsPerRequest = new Map<string, number>();
  const admin = new Redis(redisUrl);
  try {
    for (const { name, traffic, limits, warmUpSessions } of cases) {
      context.progress(`hybrid store, ${name}`);
      const keyPrefix = `relay-bench:${randomUUID().slice(0, 8)}:`;
      const relay = await startRelayContender(upstreamUrl, shortPrompt.body(false), {
        sessions: { store: 'hybrid', redisUrl, keyPrefix },
        ...(limits ? { limits } : {}),
      });
      if ('skipped' in relay) {
        context.note?.(`hybrid store rows skipped: ${relay.skipped}`);
        return commandsPerRequest;
      }
      try {
        const sessionPrefix = `bench-${randomUUID().slice(0, 8)}-`;
        if (warmUpSessions !== undefined) {
          context.progress(`hybrid store, ${name}: warming up ${warmUpSessions} sessions`);
          await warmUp(`${relay.server.origin}${shortPrompt.path}`, relay.headers, sessionPrefix, warmUpSessions);
        }
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
        const delta = commandDelta(redisCommandCalls(before), redisCommandCalls(after));
        const evalsha = delta.get('evalsha') ?? 0;
        // The account state shared across instances (cool-downs, windows, bound-session counts): at most this many.
        const accountState = accountStateCommandsAtMost(delta, 1);
        const label = `hybrid store, 16 clients, ${name}`;
        commandsPerRequest.set(name, commands / result.requests);
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
        context.report({
          name: `${label}: account shared state, EVAL per request`,
          value: (delta.get('eval') ?? 0) / result.requests,
          unit: 'commands/req',
        });
        context.report({
          name: `${label}: account shared state, commands per request (at most)`,
          value: accountState / result.requests,
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
  return commandsPerRequest;
}
