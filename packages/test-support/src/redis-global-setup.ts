import './provided-context.js';
import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { deleteKeys } from './redis-keys.js';
import { hasRedisServerBinary, pingRedis, type RedisServerProcess, startRedisServer } from './redis-server.js';

// Every workspace project runs this setup in its own module instance: the first decides, the rest reuse its
// answer through the process, and the last teardown stops a private server.
interface SharedRedisDecision {
  decision: Promise<string>;
  /** Prefixes every test key of this run (`uniqueKeyPrefix`), so that the teardown deletes exactly them. */
  run: string;
  privateServer?: RedisServerProcess;
  users: number;
}
const sharedKey = Symbol.for('relay.test.redis');
const processGlobals = globalThis as { [sharedKey]?: SharedRedisDecision };

/** Finds the Redis for this run once: REDIS_URL, else a private redis-server, else none (a failure when CI=true). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!processGlobals[sharedKey]) {
    const shared: SharedRedisDecision = { decision: Promise.resolve(''), run: randomUUID().slice(0, 8), users: 0 };
    shared.decision = findRedis(shared);
    processGlobals[sharedKey] = shared;
  }
  const shared = processGlobals[sharedKey];
  shared.users += 1;
  const redisUrl = await shared.decision;
  project.provide('redisUrl', redisUrl);
  project.provide('redisKeyRun', shared.run);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    if (shared.privateServer) await shared.privateServer.stop();
    else if (redisUrl) await deleteKeys(redisUrl, `relay-test:${shared.run}:`);
  };
}

async function findRedis(shared: SharedRedisDecision): Promise<string> {
  const configured = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let redisUrl = '';
  if (await pingRedis(configured)) {
    redisUrl = configured;
  } else if (hasRedisServerBinary()) {
    shared.privateServer = await startRedisServer();
    redisUrl = shared.privateServer.url;
    console.warn(`[redis] nothing answered at ${configured}; started a private redis-server at ${redisUrl}`);
  } else {
    const message = `[redis] nothing answers at ${configured} and no redis-server binary is on PATH: the Redis suites will be SKIPPED`;
    if (process.env.CI === 'true') throw new Error(`${message} (CI=true makes this a failure)`);
    console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  }
  return redisUrl;
}
