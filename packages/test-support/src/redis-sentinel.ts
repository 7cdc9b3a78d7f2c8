import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { findFreePort } from './free-port.js';
import { pingRedis, type RedisServerProcess, startRedisServer } from './redis-server.js';

export interface RedisSentinelProcess {
  /** The master group name the sentinels monitor. */
  readonly name: string;
  readonly master: RedisServerProcess;
  readonly replica: RedisServerProcess;
  /** The sentinels, as ioredis `sentinels` entries. */
  readonly sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** `redis://127.0.0.1:<port>` of each sentinel (the relay's `sessions.redis.sentinels`). */
  readonly sentinelUrls: readonly string[];
  /** Stops every sentinel and server and removes their files. */
  stop(): Promise<void>;
}

/**
 * Starts a real Redis Sentinel deployment on free loopback ports: a disk-less master, one replica of it, and
 * `sentinels` (default 3, quorum a majority) `redis-server <config> --sentinel` processes monitoring the master as
 * `name` (default `relay`). Resolves once the replica is in sync and every sentinel names the master and knows the
 * replica.
 */
export async function startRedisSentinel(
  options: { name?: string; sentinels?: number } = {},
): Promise<RedisSentinelProcess> {
  const name = options.name ?? 'relay';
  const count = options.sentinels ?? 3;
  const directory = await mkdtemp(join(tmpdir(), 'relay-redis-sentinel-'));
  const servers: RedisServerProcess[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await Promise.all(servers.map(async (server) => server.stop()));
    await rm(directory, { recursive: true, force: true });
  };
  try {
    // In the deployment's own directory: a replica writes the snapshot it receives from its master to disk.
    const master = await startRedisServer({ args: ['--dir', directory] });
    servers.push(master);
    const replica = await startRedisServer({
      args: ['--dir', directory, '--replicaof', '127.0.0.1', String(master.port)],
    });
    servers.push(replica);
    await until(async () => (await info(replica.port, 'replication')).includes('master_link_status:up'), 'replica');

    const sentinels: Array<{ host: string; port: number }> = [];
    for (let index = 0; index < count; index += 1) {
      const port = await findFreePort();
      // A sentinel rewrites its config file as it learns: each gets its own, in a directory of its own.
      const file = join(directory, `sentinel-${index}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${directory}`,
          `sentinel monitor ${name} 127.0.0.1 ${master.port} ${Math.floor(count / 2) + 1}`,
          `sentinel down-after-milliseconds ${name} 5000`,
          `sentinel failover-timeout ${name} 10000`,
          '',
        ].join('\n'),
      );
      const child = spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' });
      children.push(child);
      const url = `redis://127.0.0.1:${port}`;
      await until(async () => {
        if (child.exitCode !== null)
          throw new Error(`redis-server --sentinel on port ${port} exited with ${child.exitCode}`);
        return await pingRedis(url, 200);
      }, `sentinel on port ${port}`);
      sentinels.push({ host: '127.0.0.1', port });
    }
    for (const sentinel of sentinels) {
      await until(async () => {
        const [address, replicas] = await sentinelQuery(sentinel.port, name);
        return address === `127.0.0.1:${master.port}` && replicas > 0;
      }, `sentinel on port ${sentinel.port} to know ${name}`);
    }
    return {
      name,
      master,
      replica,
      sentinels,
      sentinelUrls: sentinels.map((sentinel) => `redis://${sentinel.host}:${sentinel.port}`),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

async function withConnection<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function info(port: number, section: string): Promise<string> {
  return await withConnection(port, async (redis) => await redis.info(section));
}

/** The master address a sentinel gives for `name` (`host:port`), and how many replicas it knows. */
async function sentinelQuery(port: number, name: string): Promise<[string, number]> {
  return await withConnection(port, async (redis) => {
    const address = (await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[] | null;
    const replicas = (await redis.call('SENTINEL', 'REPLICAS', name)) as unknown[];
    return [address ? `${address[0]}:${address[1]}` : '', replicas.length];
  });
}
