import { randomUUID } from 'node:crypto';
import {
  HybridSessionStore,
  MemorySessionStore,
  newSession,
  RedisSessionStore,
  type Session,
  SessionManager,
} from '@relay/session-store';
import { deleteKeys } from '@relay/test-support';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { judgeClaim } from '../claims.js';
import {
  countRedisCommands,
  memoryAfterGarbageCollection,
  type Summary,
  sampleLatencies,
  timeBatches,
} from '../measure.js';
import type { Scenario, ScenarioContext } from '../scenario.js';

/** Sizes of one run; `quick` keeps the whole scenario to a few seconds. */
interface Sizes {
  /** Sessions per timed round of the in-memory operations. */
  iterations: number;
  rounds: number;
  /** Sessions held while measuring memory per session (heap and Redis). */
  population: number;
  /** Samples of each Redis round-trip operation. */
  samples: number;
  /** Requests recorded through the hybrid store. */
  recordedRequests: number;
}

const sizes = (quick: boolean): Sizes =>
  quick
    ? { iterations: 2_000, rounds: 5, population: 5_000, samples: 200, recordedRequests: 20_000 }
    : { iterations: 20_000, rounds: 10, population: 100_000, samples: 3_000, recordedRequests: 200_000 };

const hourMs = 60 * 60 * 1000;

/** A realistic session: UUID ids, about ten sessions per user, 100 API keys, 20 upstream accounts. */
function makeSession(index: number, population: number, id: string = sessionId()): Session {
  return newSession(
    id,
    {
      userId: `user-${index % Math.max(1, Math.floor(population / 10))}`,
      apiKeyId: `key-${index % 100}`,
      accountId: `account-${index % 20}`,
    },
    Date.now(),
    hourMs,
  );
}

/**
 * A session id as the relay sees it: a flat string read from a header. (`randomUUID()` itself returns a rope of
 * concatenated pieces that costs ~490 heap bytes until flattened, which would swamp the per-session figures.)
 */
const sessionId = () => Buffer.from(randomUUID(), 'latin1').toString('latin1');

const delta = { requestCount: 1, tokens: { input: 120, output: 480, cacheRead: 2_000 } };

/** The memory backend builds a find-by index on the first find by its field: build all three up front. */
async function buildIndexes(store: MemorySessionStore): Promise<void> {
  for (const query of [{ userId: '-' }, { apiKeyId: '-' }, { accountId: '-' }]) await store.find(query);
}

/** ns per operation as µs with p50/p99 over rounds, plus the matching ops/s. */
function reportMicros(
  context: ScenarioContext,
  name: string,
  summary: Summary,
  extra: { baseline?: string; ratio?: number; claim?: { text: string; beaten: boolean } } = {},
): void {
  const toMicros = (nanoseconds: number) => nanoseconds / 1000;
  context.report({
    name,
    value: toMicros(summary.p50),
    unit: 'µs/op',
    p50: toMicros(summary.p50),
    p99: toMicros(summary.p99),
    min: toMicros(summary.min),
    max: toMicros(summary.max),
    ...extra,
  });
  context.report({ name: `${name} throughput`, value: Math.round(1e9 / summary.p50), unit: 'ops/s' });
}

/** Per-call latency in ms (p50/p99 over samples). */
function reportMillis(
  context: ScenarioContext,
  name: string,
  summary: Summary,
  extra: { baseline?: string; ratio?: number; claim?: { text: string; beaten: boolean } } = {},
): void {
  context.report({ name, value: summary.p50, unit: 'ms', p50: summary.p50, p99: summary.p99, ...extra });
  context.report({ name: `${name} throughput`, value: Math.round(1000 / summary.mean), unit: 'ops/s' });
}

async function measureMemoryBackend(context: ScenarioContext, size: Sizes): Promise<void> {
  const total = size.iterations * (size.rounds + 1);
  const ids = Array.from({ length: total }, () => sessionId());
  const store = new MemorySessionStore({ maxSessions: total + 1 });
  const raw = new LRUCache<string, Session>({ max: total + 1, ttl: hourMs });
  const options = { rounds: size.rounds, iterations: size.iterations };

  context.progress('memory: create');
  const create = await timeBatches((index) => store.create(makeSession(index, total, ids[index])), options);
  const rawCreate = await timeBatches((index) => {
    const session = makeSession(index, total, ids[index]);
    raw.set(session.id, session);
  }, options);
  reportMicros(context, 'create (memory)', create, {
    baseline: 'raw lru-cache set',
    ratio: create.p50 / rawCreate.p50,
    claim: judgeClaim('session-create-memory', create.p50 / 1000, 'µs/op'),
  });
  const indexed = new MemorySessionStore({ maxSessions: total + 1 });
  await buildIndexes(indexed);
  const indexedIds = Array.from({ length: total }, () => sessionId());
  const createIndexed = await timeBatches(
    (index) => indexed.create(makeSession(index, total, indexedIds[index])),
    options,
  );
  reportMicros(context, 'create (memory, all three find-by indexes built)', createIndexed, {
    baseline: 'raw lru-cache set',
    ratio: createIndexed.p50 / rawCreate.p50,
  });
  await indexed.close();

  context.progress('memory: get');
  const get = await timeBatches((index) => store.get(ids[index % total] as string), options);
  const rawGet = await timeBatches((index) => raw.get(ids[index % total] as string), options);
  reportMicros(context, 'get (memory)', get, {
    baseline: 'raw lru-cache get',
    ratio: get.p50 / rawGet.p50,
    claim: judgeClaim('session-lookup', get.p50 / 1000, 'µs/op'),
  });

  const manager = new SessionManager({ store });
  const hit = await timeBatches((index) => manager.getOrCreate(ids[index % total] as string), options);
  reportMicros(context, 'manager getOrCreate hit (memory)', hit, {
    baseline: 'raw lru-cache get',
    ratio: hit.p50 / rawGet.p50,
  });

  context.progress('memory: update');
  const update = await timeBatches((index) => store.increment(ids[index % total] as string, delta), options);
  const rawUpdate = await timeBatches((index) => {
    const id = ids[index % total] as string;
    const session = raw.get(id);
    if (session) raw.set(id, { ...session, requestCount: session.requestCount + 1, lastActivityAt: Date.now() });
  }, options);
  reportMicros(context, 'update (memory increment)', update, {
    baseline: 'raw lru-cache get + set',
    ratio: update.p50 / rawUpdate.p50,
  });

  context.progress('memory: find');
  const users = Math.floor(total / 10);
  const find = await timeBatches((index) => store.find({ userId: `user-${index % users}` }), {
    rounds: size.rounds,
    iterations: Math.max(100, size.iterations / 10),
  });
  reportMicros(context, 'find by userId (memory, ~10 sessions)', find);
  await store.close();
}

async function measureMemoryPerSession(context: ScenarioContext, size: Sizes): Promise<void> {
  context.progress(`memory: heap per session over ${size.population} sessions`);
  const fill = (hold: (session: Session) => void) => {
    for (let index = 0; index < size.population; index += 1) hold(makeSession(index, size.population));
  };
  const before = memoryAfterGarbageCollection().heapUsed;
  const store = new MemorySessionStore({ maxSessions: size.population });
  await buildIndexes(store);
  fill((session) => void store.set(session));
  const perSession = (memoryAfterGarbageCollection().heapUsed - before) / size.population;
  await store.close();

  let raw: LRUCache<string, Session> | undefined = new LRUCache<string, Session>({ max: size.population, ttl: hourMs });
  const rawBefore = memoryAfterGarbageCollection().heapUsed;
  const rawCache = raw;
  fill((session) => rawCache.set(session.id, session));
  const rawPerSession = (memoryAfterGarbageCollection().heapUsed - rawBefore) / size.population;
  raw = undefined;
  context.report({
    name: 'memory per session (memory backend, with indexes)',
    value: Math.round(perSession),
    unit: 'bytes/session',
    baseline: 'raw lru-cache holding the same sessions',
    ratio: perSession / rawPerSession,
    claim: judgeClaim('memory-per-session', perSession, 'bytes/session'),
  });
}

/** INFO commandstats total now (its own INFO call included; callers subtract it). */
async function commandCount(admin: Redis): Promise<number> {
  return countRedisCommands(await admin.info('commandstats'));
}

async function commandsPerOperation(admin: Redis, count: number, operation: (index: number) => Promise<unknown>) {
  const before = await commandCount(admin);
  for (let index = 0; index < count; index += 1) await operation(index);
  const after = await commandCount(admin);
  return (after - before - 1) / count;
}

async function measureRedisBackend(context: ScenarioContext, size: Sizes, redisUrl: string, prefix: string) {
  const admin = new Redis(redisUrl);
  const raw = new Redis(redisUrl);
  const store = new RedisSessionStore({ redis: redisUrl, keyPrefix: `${prefix}redis:` });
  try {
    const population = size.samples * 2;
    const ids = Array.from({ length: population * 2 }, () => sessionId());
    const rawKey = (id: string) => `${prefix}raw:s:{${id}}`;

    context.progress('redis: create');
    const create = await sampleLatencies((index) => store.create(makeSession(index, population, ids[index])), {
      samples: population - 10,
    });
    const rawCreate = await sampleLatencies(
      (index) => {
        const session = makeSession(index, population, ids[index]);
        const key = rawKey(session.id);
        return raw
          .pipeline()
          .hset(key, {
            u: session.userId,
            k: session.apiKeyId,
            a: session.accountId,
            c: session.createdAt,
            l: session.lastActivityAt,
            x: session.expiresAt,
          })
          .pexpireat(key, session.expiresAt)
          .exec();
      },
      { samples: population - 10 },
    );
    reportMillis(context, 'create (redis, unbatched)', create, {
      baseline: 'raw ioredis HSET + PEXPIREAT pipeline',
      ratio: create.p50 / rawCreate.p50,
      claim: judgeClaim('session-create-persisted', create.p50, 'ms'),
    });

    context.progress('redis: get');
    const get = await sampleLatencies((index) => store.get(ids[index % population] as string), {
      samples: size.samples,
    });
    const rawGet = await sampleLatencies((index) => raw.hgetall(rawKey(ids[index % population] as string)), {
      samples: size.samples,
    });
    reportMillis(context, 'get (redis)', get, {
      baseline: 'raw ioredis HGETALL',
      ratio: get.p50 / rawGet.p50,
      claim: judgeClaim('session-lookup', get.p50, 'ms'),
    });

    context.progress('redis: update');
    const update = await sampleLatencies((index) => store.increment(ids[index % population] as string, delta), {
      samples: size.samples,
    });
    const rawUpdate = await sampleLatencies(
      (index) => {
        const key = rawKey(ids[index % population] as string);
        return raw
          .pipeline()
          .hincrby(key, 'n', 1)
          .hincrby(key, 'ti', 120)
          .hincrby(key, 'to', 480)
          .hincrby(key, 'tr', 2000)
          .pexpire(key, hourMs)
          .exec();
      },
      { samples: size.samples },
    );
    reportMillis(context, 'update (redis increment)', update, {
      baseline: 'raw ioredis HINCRBY x4 + PEXPIRE pipeline',
      ratio: update.p50 / rawUpdate.p50,
    });

    context.progress('redis: find');
    const users = Math.floor(population / 10);
    const find = await sampleLatencies((index) => store.find({ userId: `user-${index % users}` }), {
      samples: Math.max(50, size.samples / 10),
    });
    reportMillis(context, 'find by userId (redis, ~10 sessions)', find);

    context.progress('redis: commands per operation');
    const operations = 200;
    const fresh = Array.from({ length: operations }, () => sessionId());
    const perCreate = await commandsPerOperation(admin, operations, (index) =>
      store.create(makeSession(index, population, fresh[index])),
    );
    const perGet = await commandsPerOperation(admin, operations, (index) => store.get(fresh[index] as string));
    const perUpdate = await commandsPerOperation(admin, operations, (index) =>
      store.increment(fresh[index] as string, delta),
    );
    const perFind = await commandsPerOperation(admin, 50, (index) => store.find({ userId: `user-${index % users}` }));
    for (const [name, value] of [
      ['create', perCreate],
      ['get', perGet],
      ['update', perUpdate],
      ['find (~10 sessions)', perFind],
    ] as const) {
      context.report({ name: `Redis commands per ${name} (redis)`, value, unit: 'commands/op' });
    }
  } finally {
    await store.close();
    raw.disconnect();
    admin.disconnect();
  }
}

async function measureRedisBytes(context: ScenarioContext, size: Sizes, redisUrl: string) {
  const admin = new Redis(redisUrl);
  // A prefix as short as the default `relay:`, so that key names weigh what they would in production.
  const keyPrefix = `rb${randomUUID().slice(0, 4)}:`;
  const store = new RedisSessionStore({ redis: redisUrl, keyPrefix });
  try {
    context.progress(`redis: bytes per session over ${size.population} sessions`);
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    const before = await usedMemory();
    const sessions: Session[] = [];
    for (let index = 0; index < size.population; index += 1) {
      sessions.push(makeSession(index, size.population));
      if (sessions.length === 500 || index === size.population - 1) await store.setMany(sessions.splice(0));
    }
    const perSession = ((await usedMemory()) - before) / size.population;
    context.report({
      name: 'Redis bytes per session (INFO used_memory delta, hash + TTL + 3 index entries)',
      value: Math.round(perSession),
      unit: 'bytes/session',
      claim: judgeClaim('redis-bytes-per-session', perSession, 'bytes/session'),
    });

    const sample = Array.from({ length: 200 }, (_, index) => makeSession(index, size.population));
    await store.setMany(sample);
    let hashBytes = 0;
    for (const session of sample) hashBytes += Number(await admin.memory('USAGE', `${keyPrefix}s:{${session.id}}`));
    let indexBytes = 0;
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}i:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) indexBytes += Number(await admin.memory('USAGE', key));
    } while (cursor !== '0');
    context.report({
      name: 'Redis MEMORY USAGE per session hash',
      value: Math.round(hashBytes / sample.length),
      unit: 'bytes/session',
    });
    context.report({
      name: 'Redis MEMORY USAGE of the indexes per session',
      value: Math.round(indexBytes / (size.population + sample.length)),
      unit: 'bytes/session',
    });
    const encoding = await admin.object('ENCODING', `${keyPrefix}s:{${sample[0]?.id}}`);
    context.note?.(`session hashes are stored as ${encoding}`);
  } finally {
    await store.close();
    admin.disconnect();
    await deleteKeys(redisUrl, keyPrefix);
  }
}

async function measureHybrid(context: ScenarioContext, size: Sizes, redisUrl: string, prefix: string) {
  const admin = new Redis(redisUrl);
  const raw = new Redis(redisUrl);
  const store = new HybridSessionStore({ redis: redisUrl, keyPrefix: `${prefix}hybrid:`, syncIntervalMs: 1000 });
  const manager = new SessionManager({ store });
  try {
    await store.ready();
    const sessionCount = 1_000;
    const ids = Array.from({ length: sessionCount }, () => sessionId());
    context.progress('hybrid: create');
    const create = await sampleLatencies((index) => manager.getOrCreate(ids[index] as string, { userId: 'user-1' }), {
      samples: sessionCount - 10,
    });
    reportMillis(context, 'create (hybrid: looked up, then created in Redis atomically)', create, {
      claim: judgeClaim('session-create-persisted', create.p50, 'ms'),
    });
    await store.flush();
    const hit = await timeBatches((index) => manager.getOrCreate(ids[index % sessionCount] as string), {
      rounds: size.rounds,
      iterations: size.iterations,
    });
    reportMicros(context, 'get (hybrid, memory hit)', hit, {
      claim: judgeClaim('session-lookup', hit.p50 / 1000, 'µs/op'),
    });

    context.progress('hybrid: recorded requests per second');
    const outcome = { ok: true, status: 200, latencyMs: 100, tokens: { input: 120, output: 480, cacheRead: 2_000 } };
    const batchesBefore = store.stats().syncBatches;
    const commandsBefore = await commandCount(admin);
    const started = process.hrtime.bigint();
    for (let index = 0; index < size.recordedRequests; index += 1) {
      await manager.recordRequest(ids[index % sessionCount] as string, outcome);
    }
    await store.flush();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const commands = (await commandCount(admin)) - commandsBefore - 1;
    const hybridRate = size.recordedRequests / seconds;

    const rawRequests = Math.min(size.recordedRequests, size.samples * 5);
    const rawStarted = process.hrtime.bigint();
    for (let index = 0; index < rawRequests; index += 1) {
      const key = `${prefix}raw:h:{${ids[index % sessionCount]}}`;
      await raw
        .pipeline()
        .hincrby(key, 'n', 1)
        .hincrby(key, 'ti', 120)
        .hincrby(key, 'to', 480)
        .hincrby(key, 'tr', 2000)
        .pexpire(key, hourMs)
        .exec();
    }
    const rawRate = rawRequests / (Number(process.hrtime.bigint() - rawStarted) / 1e9);
    context.report({
      name: 'recorded requests (hybrid, batched, 1 000 sessions)',
      value: Math.round(hybridRate),
      unit: 'req/s',
      baseline: 'raw ioredis HINCRBY pipeline per request',
      ratio: hybridRate / rawRate,
    });
    context.report({
      name: 'sync batches for those requests (hybrid)',
      value: store.stats().syncBatches - batchesBefore,
      unit: 'batches',
    });
    context.report({
      name: 'Redis commands per recorded request (hybrid)',
      value: commands / size.recordedRequests,
      unit: 'commands/op',
    });
  } finally {
    await manager.close();
    raw.disconnect();
    admin.disconnect();
  }
}

const scenario: Scenario = {
  name: 'sessions',
  description:
    '@relay/session-store: create, get, update and find per backend (memory, Redis, hybrid), memory per session, bytes per session in Redis, Redis commands per operation, against raw lru-cache / raw ioredis',
  async run(context) {
    const size = sizes(context.quick);
    await measureMemoryBackend(context, size);
    await measureMemoryPerSession(context, size);
    const redisUrl = context.redisUrl;
    if (!redisUrl) {
      context.note?.('no Redis: the redis and hybrid rows are skipped');
      return;
    }
    const prefix = `relay-bench:sessions:${randomUUID().slice(0, 8)}:`;
    try {
      await measureRedisBackend(context, size, redisUrl, prefix);
      await measureRedisBytes(context, size, redisUrl);
      await measureHybrid(context, size, redisUrl, prefix);
    } finally {
      await deleteKeys(redisUrl, prefix);
    }
  },
};

export default scenario;
